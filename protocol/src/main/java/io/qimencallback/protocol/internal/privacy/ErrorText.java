package io.qimencallback.protocol.internal.privacy;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An exception as a person may read it in a log line, the console or a start-up message: its class and message, and
 * those of its causes, with personal data masked ({@link PersonalData#maskText}), control characters escaped (no forged
 * log line) and the length bounded. A message is where a handler says what went wrong ("ERP answered HTTP 500"), so it
 * is shown, but never raw: it may carry what the handler had at hand — a receiver's phone or address.
 */
public final class ErrorText {
    /** Characters kept of one message. */
    static final int MAX_MESSAGE = 300;
    /** Causes shown after the exception itself. */
    private static final int MAX_CAUSES = 4;

    private ErrorText() {
    }

    /** {@code java.lang.IllegalStateException: ERP answered HTTP 500 for 138****5678; cause: java.io.IOException: ...}. */
    public static String of(Throwable t) {
        Objects.requireNonNull(t, "t");
        StringBuilder b = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        int causes = 0;
        for (Throwable c = t; c != null && seen.put(c, Boolean.TRUE) == null; c = c.getCause()) {
            if (causes > MAX_CAUSES) {
                b.append("; …");
                break;
            }
            if (causes++ > 0) {
                b.append("; cause: ");
            }
            b.append(c.getClass().getName());
            String message = c.getMessage();
            if (message != null && !message.isBlank()) {
                b.append(": ").append(message(message));
            }
        }
        return b.toString();
    }

    /** A free text (a message) masked, escaped and cut to {@value #MAX_MESSAGE} characters. */
    public static String message(String text) {
        Objects.requireNonNull(text, "text");
        // masked before it is cut: a cut number could escape the rule
        String masked = PersonalData.maskText(text);
        StringBuilder b = new StringBuilder(Math.min(masked.length(), MAX_MESSAGE + 8));
        for (int i = 0; i < masked.length(); i++) {
            if (b.length() >= MAX_MESSAGE) {
                return b.append("…[").append(masked.length() - i).append(" more characters]").toString();
            }
            char c = masked.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (unsafe(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Control characters (C0, DEL, C1), line and paragraph separators, bidirectional overrides. */
    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }
}
