package io.qimencallback.protocol;

/**
 * Every failure code this server answers with, in one place.
 *
 * <p>Only {@code sign-check-failure} / {@code Illegal request} is attested in Qimen sources (spec §4.3); the
 * others are this project's own, documented in the README, in the style of that one.
 */
public enum ErrorCode {
    SIGN_CHECK_FAILURE("sign-check-failure", "Illegal request"),
    MISSING_PARAMETER("missing-parameter", "missing required parameter"),
    INVALID_TIMESTAMP("invalid-timestamp", "timestamp is outside the accepted window"),
    INVALID_PARAMETER("invalid-parameter", "a parameter is malformed"),
    INVALID_METHOD("invalid-method", "no handler for this method"),
    INVALID_BODY("invalid-body", "request body could not be read"),
    IP_NOT_ALLOWED("ip-not-allowed", "source address is not allowed"),
    HANDLER_TIMEOUT("handler-timeout", "handler did not answer in time"),
    OVERLOADED("overloaded", "server is busy, retry later"),
    SYSTEM_ERROR("system-error", "internal error");

    private final String code;
    private final String defaultMessage;

    ErrorCode(String code, String defaultMessage) {
        this.code = code;
        this.defaultMessage = defaultMessage;
    }

    /** The wire value of {@code code}, e.g. {@code sign-check-failure}. */
    public String code() {
        return code;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
