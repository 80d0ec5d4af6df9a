package io.qimencallback.protocol;

/**
 * Every failure code this server answers with, in one place.
 *
 * <p>Only {@code sign-check-failure} / {@code Illegal request} is attested in Qimen sources (spec §4.3); the
 * others are this project's own, documented in the README, in the style of that one.
 */
public enum ErrorCode {
    /** The signature does not match (spec §4.3: the one code attested in Qimen sources). */
    SIGN_CHECK_FAILURE("sign-check-failure", "Illegal request"),
    /** A required system parameter, or a required field of a typed body, is absent. */
    MISSING_PARAMETER("missing-parameter", "missing required parameter"),
    /** {@code timestamp} is unreadable or outside the accepted window. */
    INVALID_TIMESTAMP("invalid-timestamp", "timestamp is outside the accepted window"),
    /** A parameter, or a typed body, is present but malformed. */
    INVALID_PARAMETER("invalid-parameter", "a parameter is malformed"),
    /** No handler takes this method. */
    INVALID_METHOD("invalid-method", "no handler for this method"),
    /** The body is not well-formed XML, JSON or form data, or is refused (a DTD, too deep). */
    INVALID_BODY("invalid-body", "request body could not be read"),
    /** The caller's address is not in the allowed ranges. */
    IP_NOT_ALLOWED("ip-not-allowed", "source address is not allowed"),
    /** The handler did not answer before the call's deadline. */
    HANDLER_TIMEOUT("handler-timeout", "handler did not answer in time"),
    /** The server refuses more work for now; the gateway retries. */
    OVERLOADED("overloaded", "server is busy, retry later"),
    /** The handler or the server failed; the message carries the call id, never the cause. */
    SYSTEM_ERROR("system-error", "internal error");

    private final String code;
    private final String defaultMessage;

    ErrorCode(String code, String defaultMessage) {
        this.code = code;
        this.defaultMessage = defaultMessage;
    }

    /**
     * The wire value of {@code code}.
     *
     * @return e.g. {@code sign-check-failure}
     */
    public String code() {
        return code;
    }

    /**
     * The message answered when no other is given.
     *
     * @return the message, e.g. {@code Illegal request}
     */
    public String defaultMessage() {
        return defaultMessage;
    }
}
