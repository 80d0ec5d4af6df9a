package io.qimencallback.protocol.handler;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import java.util.concurrent.CompletionStage;

/**
 * A handler that answers through an asynchronous client (an async HTTP client, a reactive driver): no thread waits
 * for the ERP. Listed like any {@link QimenHandler} (in {@code META-INF/services/io.qimencallback.protocol.handler.QimenHandler}).
 *
 * <p>{@link #handleAsync} runs on an I/O thread and must return at once. A stage completed exceptionally with a
 * {@link io.qimencallback.protocol.QimenException} answers its failure; any other exception answers
 * {@code system-error}. Past the deadline the stage is cancelled ({@code cancel(true)} on its
 * {@link java.util.concurrent.CompletableFuture}).
 */
public interface AsyncQimenHandler extends QimenHandler {

    /**
     * Starts answering one call; never blocks.
     *
     * @param request the verified call
     * @return the answer, when it is ready
     */
    CompletionStage<QimenResponse> handleAsync(QimenRequest request);

    @Override
    default Execution execution() {
        return Execution.ASYNC;
    }

    /** Waits for {@link #handleAsync}: for tests and for callers outside the server. */
    @Override
    default QimenResponse handle(QimenRequest request) throws Exception {
        try {
            return handleAsync(request).toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
