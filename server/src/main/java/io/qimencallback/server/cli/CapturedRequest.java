package io.qimencallback.server.cli;

import io.qimencallback.protocol.internal.http.HeaderLookup;
import io.qimencallback.protocol.internal.http.RawRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads a captured HTTP request — request line, headers, blank line, body — into a {@link RawRequest}. Line ends may
 * be CRLF or LF (captures get re-saved by editors); the body is exactly {@code Content-Length} bytes when given, the
 * rest of the file otherwise, and decoded when {@code Transfer-Encoding: chunked}.
 */
public final class CapturedRequest {
    private CapturedRequest() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the capture */
    public static RawRequest parse(byte[] capture) {
        Objects.requireNonNull(capture, "capture");
        Cursor c = new Cursor(capture);
        String requestLine;
        do {
            requestLine = c.line();
            if (requestLine == null) {
                throw new IllegalArgumentException("no request line");
            }
        } while (requestLine.isBlank()); // blank lines before a request are ignored, as servers do
        String[] parts = requestLine.trim().split("\\s+");
        if (parts.length < 2 || parts.length > 3 || !parts[0].chars().allMatch(Character::isLetter)) {
            throw new IllegalArgumentException("not a request line (METHOD TARGET HTTP/1.1): " + abbreviate(requestLine));
        }
        String target = parts[1];
        int scheme = target.indexOf("://");
        if (scheme > 0) { // absolute form, as a proxy receives it
            int slash = target.indexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int hash = target.indexOf('#');
        if (hash >= 0) {
            target = target.substring(0, hash);
        }
        int q = target.indexOf('?');
        String query = q < 0 ? "" : target.substring(q + 1);

        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = c.line();
            if (line == null || line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a header line (Name: value): " + abbreviate(line));
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        HeaderLookup lookup = new HeaderLookup() {
            @Override
            public String get(String name) {
                List<String> all = getAll(name);
                return all.isEmpty() ? null : all.get(0);
            }

            @Override
            public List<String> getAll(String name) {
                return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
            }
        };

        byte[] body;
        String te = lookup.get("Transfer-Encoding");
        String length = lookup.get("Content-Length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = dechunk(c);
        } else if (length != null) {
            int n;
            try {
                n = Integer.parseInt(length.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Content-Length is not a number: " + abbreviate(length));
            }
            if (n < 0 || n > c.remaining()) {
                throw new IllegalArgumentException("Content-Length " + n + " but " + c.remaining()
                        + " body bytes in the file (truncated capture?)");
            }
            body = c.take(n);
        } else {
            body = c.take(c.remaining());
        }
        return new RawRequest(parts[0].toUpperCase(Locale.ROOT), query, lookup, body, "capture", Instant.now());
    }

    private static byte[] dechunk(Cursor c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = c.line();
            if (sizeLine == null) {
                throw new IllegalArgumentException("chunked body ends without its last (0) chunk");
            }
            String hex = sizeLine.contains(";") ? sizeLine.substring(0, sizeLine.indexOf(';')) : sizeLine;
            int size;
            try {
                size = Integer.parseInt(hex.trim(), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a chunk size: " + abbreviate(sizeLine));
            }
            if (size == 0) {
                return out.toByteArray(); // trailers, if any, are not part of the body
            }
            if (size < 0 || size > c.remaining()) {
                throw new IllegalArgumentException("chunk of " + size + " bytes but " + c.remaining() + " left");
            }
            out.writeBytes(c.take(size));
            String end = c.line();
            if (end == null || !end.isEmpty()) {
                throw new IllegalArgumentException("chunk of " + size + " bytes is not followed by a line end");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    /** Bytes read by line (CRLF or LF; header bytes as ISO-8859-1, as on the wire) or by count. */
    private static final class Cursor {
        private final byte[] bytes;
        private int pos;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        /** The next line without its end, or {@code null} at the end of the file. */
        String line() {
            if (pos >= bytes.length) {
                return null;
            }
            int start = pos;
            while (pos < bytes.length && bytes[pos] != '\n') {
                pos++;
            }
            int end = pos > start && bytes[pos - 1] == '\r' ? pos - 1 : pos;
            if (pos < bytes.length) {
                pos++; // the \n
            }
            return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        }

        int remaining() {
            return bytes.length - pos;
        }

        byte[] take(int n) {
            byte[] out = java.util.Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return out;
        }
    }
}
