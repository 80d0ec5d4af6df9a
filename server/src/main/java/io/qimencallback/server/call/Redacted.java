package io.qimencallback.server.call;

import io.qimencallback.protocol.internal.privacy.ErrorText;

/**
 * A handler's exception as it may be logged: its class and stack frames, its chain of causes, and either no message
 * ({@link #of}) or the message masked ({@link #masked}). A message can carry anything the handler had at hand — a
 * receiver's name, phone or address — so it is never logged raw; the frames are enough to find the line.
 */
public final class Redacted extends RuntimeException {
    private Redacted(Throwable original, String message, Throwable cause) {
        super(message, cause, false, true);
        setStackTrace(original.getStackTrace());
    }

    /** Frames and classes only. */
    public static Throwable of(Throwable t) {
        return of(t, false, 0);
    }

    /** Frames, classes and messages masked by {@link ErrorText#message} (the one {@code PersonalData} rule). */
    public static Throwable masked(Throwable t) {
        return of(t, true, 0);
    }

    private static Throwable of(Throwable t, boolean messages, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth > 16 ? null
                : of(t.getCause(), messages, depth + 1);
        String name = t.getClass().getName();
        String message = !messages ? name + " (message not logged)"
                : t.getMessage() == null ? name : name + ": " + ErrorText.message(t.getMessage());
        return new Redacted(t, message, cause);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
