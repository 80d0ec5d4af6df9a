package io.qimencallback.protocol.internal.sign;

import io.qimencallback.protocol.internal.SystemParams;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a Qimen signature covers (spec §3.1–3.2): the decoded parameters sorted by name (Java {@link String} order,
 * {@code sign} left out), then the raw body for text bodies, encoded with the request charset.
 */
public final class SignatureBase {
    private final SortedMap<String, String> params;
    private final byte[] body;
    private final Charset charset;

    private SignatureBase(SortedMap<String, String> params, byte[] body, Charset charset) {
        this.params = params;
        this.body = body;
        this.charset = charset;
    }

    /**
     * @param params  decoded parameters; a {@code sign} entry is ignored
     * @param body    the body bytes when they are signed, {@code null} for form posts and bodiless requests
     * @param charset the request charset
     */
    public static SignatureBase of(Map<String, String> params, byte[] body, Charset charset) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(charset, "charset");
        TreeMap<String, String> sorted = new TreeMap<>(params);
        sorted.remove(SystemParams.SIGN);
        return new SignatureBase(Collections.unmodifiableSortedMap(sorted), body, charset);
    }

    /** The sender-side variant (TOP SDKs drop pairs with a blank key or value before signing, spec §3.3). */
    public SignatureBase withoutEmptyValues() {
        return new SignatureBase(Collections.unmodifiableSortedMap(new TreeMap<>(withoutBlankPairs(params))), body, charset);
    }

    public boolean hasEmptyValues() {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (isBlankPair(e.getKey(), e.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** The one rule for what the sender-side variant leaves out. */
    public static boolean isBlankPair(String key, String value) {
        return key.isBlank() || value.isBlank();
    }

    /** {@code params} without the pairs {@link #isBlankPair} names, in the same order. */
    public static Map<String, String> withoutBlankPairs(Map<String, String> params) {
        Map<String, String> kept = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!isBlankPair(k, v)) {
                kept.put(k, v);
            }
        });
        return Collections.unmodifiableMap(kept);
    }

    /** {@code k1v1k2v2…} over the sorted parameters. */
    public String canonicalParams() {
        StringBuilder b = new StringBuilder(256);
        params.forEach((k, v) -> b.append(k).append(v));
        return b.toString();
    }

    /** The whole string that is digested, with the secret shown as {@code mask}; for diagnostics, never for logs. */
    public String explain(SignMethod method, String mask) {
        String text = canonicalParams() + (body == null ? "" : new String(body, charset));
        return method == SignMethod.MD5 ? mask + text + mask : text;
    }

    /**
     * The first {@code maxChars} characters of {@link #explain}, without building the rest: a diagnostic of a call
     * with a large body or many form fields does bounded work.
     */
    public String explain(SignMethod method, String mask, int maxChars) {
        StringBuilder b = new StringBuilder(Math.min(maxChars, 4096) + 16);
        if (method == SignMethod.MD5) {
            b.append(mask);
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (b.length() >= maxChars) {
                return b.substring(0, maxChars);
            }
            b.append(e.getKey()).append(e.getValue(), 0, Math.min(e.getValue().length(), maxChars));
        }
        if (body != null && b.length() < maxChars) {
            // a character takes at most 4 bytes in the charsets Qimen uses
            int bytes = (int) Math.min(body.length, (long) (maxChars - b.length()) * 4);
            b.append(new String(body, 0, bytes, charset));
        }
        if (method == SignMethod.MD5 && b.length() < maxChars) {
            b.append(mask);
        }
        return b.length() > maxChars ? b.substring(0, maxChars) : b.toString();
    }

    /** The length of {@link #explain}, counted without building it (the body is decoded through a small buffer). */
    public long explainedLength(SignMethod method, String mask) {
        long n = method == SignMethod.MD5 ? 2L * mask.length() : 0;
        for (Map.Entry<String, String> e : params.entrySet()) {
            n += e.getKey().length() + e.getValue().length();
        }
        return body == null ? n : n + decodedLength(body, charset);
    }

    /** What {@code new String(bytes, charset).length()} gives, in constant memory. */
    private static long decodedLength(byte[] bytes, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        long n = 0;
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            n += out.position();
            out.clear();
            if (r.isUnderflow()) {
                break;
            }
        }
        while (decoder.flush(out).isOverflow()) {
            n += out.position();
            out.clear();
        }
        return n + out.position();
    }

    public SortedMap<String, String> params() {
        return params;
    }

    /** The signed body bytes (shared, do not modify), or {@code null}. */
    byte[] body() {
        return body;
    }

    public boolean signsBody() {
        return body != null;
    }

    public Charset charset() {
        return charset;
    }
}
