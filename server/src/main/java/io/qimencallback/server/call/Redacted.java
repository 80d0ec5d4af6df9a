package io.qimencallback.server.call;

/**
 * A handler's exception as it may be logged: its class and stack frames, its chain of causes, and no message. A
 * message can carry anything the handler had at hand — a receiver's name, phone or address — so none is logged; the
 * frames are enough to find the line.
 */
public final class Redacted extends RuntimeException {
    private Redacted(Throwable original, Throwable cause) {
        super(original.getClass().getName() + " (message not logged)", cause, false, true);
        setStackTrace(original.getStackTrace());
    }

    public static Throwable of(Throwable t) {
        return of(t, 0);
    }

    private static Throwable of(Throwable t, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth > 16 ? null : of(t.getCause(), depth + 1);
        return new Redacted(t, cause);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
