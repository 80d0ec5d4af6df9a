package io.qimencallback.protocol.internal.http;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Query-string and form decoding with the receiver semantics of {@code SpiUtils} (spec §3.1).
 */
public final class UrlEncoding {
    private UrlEncoding() {
    }

    /**
     * The query parameters exactly as {@code SpiUtils.getQueryMap} sees them: split on {@code &}, then on {@code =}
     * with {@link String#split} semantics — a bare {@code key} or {@code key=} is {@code ""}, trailing {@code =} are
     * lost, and a pair with a raw {@code =} inside its value is dropped. Later duplicates win.
     */
    public static Map<String, String> parseQuery(String rawQuery, Charset charset) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            String[] kv = pair.split("=");
            if (kv.length == 2) {
                out.put(decode(kv[0], charset), decode(kv[1], charset));
            } else if (kv.length == 1) {
                out.put(decode(kv[0], charset), "");
            }
        }
        return out;
    }

    /** Form fields as a servlet container reads them: the first {@code =} splits, the first value of a name wins. */
    public static Map<String, String> parseForm(String body, Charset charset) {
        Map<String, String> out = new LinkedHashMap<>();
        forEachFormField(body, charset, out::putIfAbsent);
        return out;
    }

    /** Every field of a form body in order, duplicates included; fields without a name are skipped. */
    public static void forEachFormField(String body, Charset charset, BiConsumer<String, String> field) {
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
            if (!name.isEmpty()) {
                field.accept(name, eq < 0 ? "" : decode(pair.substring(eq + 1), charset));
            }
        }
    }

    /** How many {@code &}-separated pairs a query string or form body holds, counted without decoding. */
    public static int countPairs(byte[] text) {
        int n = text.length == 0 ? 0 : 1;
        for (byte b : text) {
            if (b == '&') {
                n++;
            }
        }
        return n;
    }

    /**
     * {@code application/x-www-form-urlencoded} decoding ({@code +} is a space). A malformed {@code %} escape is kept
     * literally rather than rejected: the signature then decides.
     */
    public static String decode(String s, Charset charset) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            flush(bytes, out, charset);
            out.append(c == '+' ? ' ' : c);
        }
        flush(bytes, out, charset);
        return out.toString();
    }

    /** Percent-encodes for a query string or form (UTF-8 or the given charset; space as {@code +}). */
    public static String encode(String s, Charset charset) {
        return URLEncoder.encode(s, charset);
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out, Charset charset) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(charset));
            bytes.reset();
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
