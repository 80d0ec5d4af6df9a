package io.qimencallback.protocol.internal.http;

import io.qimencallback.protocol.ContentKind;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Set;

/**
 * A request's {@code Content-Type}: the body kind and the charset (UTF-8 when none is named, spec §2.5).
 *
 * <p>Accepts liberally: a missing or unknown type with a body is sniffed from its first byte, so a body is never
 * left out of the signature.
 */
public record ContentType(String header, ContentKind kind, Charset charset) {

    public static ContentType of(String header, byte[] body) throws QimenException {
        String mime = "";
        Charset charset = StandardCharsets.UTF_8;
        if (header != null) {
            String[] parts = header.split(";", -1); // never empty: a header of ";" alone has a (blank) type
            mime = parts[0].trim().toLowerCase(Locale.ROOT);
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                    charset = charset(p.substring(eq + 1).trim().replace("\"", ""));
                }
            }
        }
        return new ContentType(header, kind(mime, body), charset);
    }

    /**
     * The charsets a Qimen request is sent in (spec §2.5: UTF-8, or GBK for some SPI APIs). The charset is not signed,
     * so any other one would let a replayed request be decoded into different text under the same signature.
     */
    private static final Set<Charset> ACCEPTED = Set.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII,
            Charset.forName("GBK"), Charset.forName("GB18030"), Charset.forName("GB2312"));

    private static Charset charset(String name) throws QimenException {
        try {
            Charset cs = Charset.forName(name);
            if (ACCEPTED.contains(cs)) {
                return cs;
            }
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            // refused below
        }
        throw new QimenException(ErrorCode.INVALID_BODY, "unsupported charset in Content-Type (UTF-8 or GBK): "
                + (name.length() > 40 ? name.substring(0, 40) + "…" : name));
    }

    private static ContentKind kind(String mime, byte[] body) {
        if (mime.equals("application/x-www-form-urlencoded")) {
            return ContentKind.FORM;
        }
        if (body.length == 0) {
            return ContentKind.NONE;
        }
        if (mime.endsWith("json")) {
            return ContentKind.JSON;
        }
        if (mime.endsWith("xml")) {
            return ContentKind.XML;
        }
        if (mime.equals("text/plain")) {
            return ContentKind.TEXT;
        }
        return sniff(body);
    }

    private static ContentKind sniff(byte[] body) {
        int i = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF ? 3 : 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        if (i == body.length) {
            return ContentKind.TEXT;
        }
        return switch (body[i]) {
            case '<' -> ContentKind.XML;
            case '{', '[' -> ContentKind.JSON;
            default -> ContentKind.TEXT;
        };
    }
}
