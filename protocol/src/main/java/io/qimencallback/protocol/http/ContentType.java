package io.qimencallback.protocol.http;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

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
            String[] parts = header.split(";");
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

    private static Charset charset(String name) throws QimenException {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "unsupported charset in Content-Type: " + name);
        }
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
