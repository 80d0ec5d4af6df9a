package io.qimencallback.testkit;

import java.util.Objects;

/**
 * The server would not hand this call to a handler: it would answer {@link #code()} instead (a body that is not
 * well-formed, a form field contradicting the query, a timestamp out of the window, ...).
 */
public final class CallRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The failure code. */
    private final String code;

    CallRefusedException(String code, String message) {
        super("the server would answer " + code + ": " + message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The failure code the gateway would get, e.g. {@code invalid-body}.
     *
     * @return the code
     */
    public String code() {
        return code;
    }
}
