package io.qimencallback.server.call;

/**
 * Caller-supplied values made safe for a log line: no line breaks, control characters (C0, DEL, C1), Unicode line
 * separators or bidirectional overrides, nothing that splits a {@code key=value} field; bounded length.
 */
public final class LogSafe {
    private static final int MAX = 80;

    private LogSafe() {
    }

    public static String value(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX));
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            b.append(unsafe(c) ? '_' : c);
        }
        if (s.length() > MAX) {
            b.append('…');
        }
        return b.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == ' ' || c == '"' || c == '='
                || c == '\u2028' || c == '\u2029' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }
}
