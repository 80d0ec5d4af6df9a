package io.qimencallback.server.call;

/** Caller-supplied values made safe for a log line: no line breaks or control characters, bounded length. */
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
            b.append(c < 0x20 || c == 0x7F || c == ' ' || c == '"' || c == '=' ? '_' : c);
        }
        if (s.length() > MAX) {
            b.append('…');
        }
        return b.toString();
    }
}
