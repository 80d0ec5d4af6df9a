package io.qimencallback.server.target;

import java.util.Objects;

/**
 * A target could not be reached at all (connection refused, broker down or blocked, no metadata): an inbox entry
 * waits for it without using up an attempt, so an outage of any length dead-letters nothing. A target that was
 * reached and refused, or whose answer was lost, throws an ordinary exception instead: that costs an attempt.
 */
public final class TargetUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param reason why, for the entry's last error and the log: no credential, no body
     * @param cause the client library's exception, or {@code null}
     */
    public TargetUnavailableException(String reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason"), cause);
    }
}
