package io.qimencallback.protocol.handler;

/**
 * How a {@link QimenHandler} runs, as the handler declares it ({@link QimenHandler#execution()}).
 */
public enum Execution {
    /**
     * The default: on a worker thread, which the handler may block (an ERP call over HTTP, a database). Past the
     * deadline the caller is answered {@code handler-timeout} and the worker is interrupted.
     */
    BLOCKING,
    /**
     * On the I/O thread that read the call, right after it is verified: for handlers that answer from the request or
     * from memory in microseconds. Must never block (no I/O, no locks held for long, no waiting): it would stall every
     * connection of that thread.
     */
    NON_BLOCKING,
    /**
     * {@link AsyncQimenHandler#handleAsync} is called on the I/O thread and returns at once with a stage that an
     * asynchronous client completes. Past the deadline the caller is answered {@code handler-timeout} and the stage is
     * cancelled.
     */
    ASYNC
}
