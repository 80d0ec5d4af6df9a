package io.qimencallback.protocol;

import java.util.Objects;

/** A request that must be answered with a protocol-level failure. The message goes to the caller verbatim. */
public final class QimenException extends Exception {
    private final ErrorCode errorCode;

    public QimenException(ErrorCode errorCode, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public QimenException(ErrorCode errorCode) {
        this(errorCode, errorCode.defaultMessage());
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public QimenResponse toResponse() {
        return QimenResponse.failure(errorCode, getMessage());
    }
}
