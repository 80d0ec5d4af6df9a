package io.qimencallback.protocol;

import java.util.Objects;

/** A request that must be answered with a protocol-level failure. The message goes to the caller verbatim. */
public final class QimenException extends Exception {
    /** What the answer's {@code code} is. */
    private final ErrorCode errorCode;

    /**
     * A failure with its own message.
     *
     * @param errorCode the answer's code
     * @param message   the answer's message, sent to the caller as it is: no secrets, no personal data
     */
    public QimenException(ErrorCode errorCode, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /**
     * A failure with the code's default message.
     *
     * @param errorCode the answer's code
     */
    public QimenException(ErrorCode errorCode) {
        this(errorCode, errorCode.defaultMessage());
    }

    /**
     * The answer's code.
     *
     * @return the code
     */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /**
     * The failure answer this exception stands for.
     *
     * @return {@code flag=failure} with this code and message
     */
    public QimenResponse toResponse() {
        return QimenResponse.failure(errorCode, getMessage());
    }
}
