package io.qimencallback.server.plugin;

/** A handler's {@code start} failed (or its name or settings could not be had): the server does not start. */
public final class HandlerStartException extends IllegalStateException {
    HandlerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
