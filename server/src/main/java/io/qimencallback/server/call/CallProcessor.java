package io.qimencallback.server.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.internal.privacy.ErrorText;
import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.inbox.Inbox;
import io.qimencallback.server.route.Route;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call from verification to its answer: {@link CallVerifier}'s checks, the replay check, then the call's
 * {@link Route} — a handler run as it declares ({@link Execution}), the inbox, or {@code invalid-method}. Runs where
 * it is called (the event loop for small bodies, a worker for large ones) and never blocks there: blocking handlers
 * go to the workers, the inbox commits on its writer thread. Never throws: every outcome is an answer.
 */
public final class CallProcessor {
    private static final Logger log = LoggerFactory.getLogger(CallProcessor.class);
    private static final long WARNING_FAILURE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final CallVerifier verifier;
    private final ReplayGuard replays;
    private final Supplier<Inbox> inbox;
    private final Runnable replayed;
    private final Duration handlerTimeout;
    private final CallWarnings warnings;
    /** {@link System#nanoTime()} of the last "warning failed" line; 0: none yet. */
    private final AtomicLong lastWarningFailure = new AtomicLong();

    /** As {@link #CallProcessor(CallVerifier, ReplayGuard, Supplier, Runnable, Duration, double)}, no slow-call warning. */
    public CallProcessor(CallVerifier verifier, ReplayGuard replays, Supplier<Inbox> inbox, Runnable replayed,
                         Duration handlerTimeout) {
        this(verifier, replays, inbox, replayed, handlerTimeout, 0);
    }

    /**
     * @param inbox    the opened inbox; gives {@code null} when off (its routes then never exist)
     * @param replayed told of each replay answered from the guard (a metric)
     * @param handlerTimeout from receipt to {@code handler-timeout}: the deadline a handler's request carries
     * @param slowCallFraction answers later than this fraction of the deadline are logged as slow (0 = never)
     */
    public CallProcessor(CallVerifier verifier, ReplayGuard replays, Supplier<Inbox> inbox, Runnable replayed,
                         Duration handlerTimeout, double slowCallFraction) {
        this.handlerTimeout = Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        this.warnings = new CallWarnings(handlerTimeout, slowCallFraction);
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.replays = Objects.requireNonNull(replays, "replays");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.replayed = Objects.requireNonNull(replayed, "replayed");
    }

    /**
     * Verifies the call here and starts its answer. The stage is complete on return for every call answered at once
     * (a failed check, a non-blocking handler); otherwise it completes on a worker, the inbox's writer or the
     * handler's own client. The exchange is given the work to cancel past the deadline.
     *
     * @param workers  where blocking handlers run
     * @param onWorker whether this already runs on a worker (a large body): a blocking handler then runs here
     */
    public CompletableFuture<QimenResponse> process(CallContext ctx, CallExchange exchange, ExecutorService workers,
                                                    boolean onWorker) {
        VerifiedCall call;
        try {
            call = verifier.verify(ctx);
        } catch (QimenException e) {
            return CompletableFuture.completedFuture(e.toResponse());
        } catch (Throwable t) {
            return CompletableFuture.completedFuture(systemError(ctx, t));
        }
        CompletableFuture<QimenResponse> answer = new CompletableFuture<>();
        CompletableFuture<QimenResponse> earlier = replays.remember(call.appKey(), call.replayKey(), call.replayExpiry(),
                answer);
        if (earlier != null) {
            replayed.run();
            return earlier.thenApply(r -> r); // a copy: cancelling this call's stage leaves the first one alone
        }
        route(ctx, call, exchange, workers, onWorker).whenComplete((r, e) -> {
            if (e == null) {
                answer.complete(r);
            } else {
                answer.complete(failureOf(ctx, e));
            }
        });
        return answer;
    }

    private CompletionStage<QimenResponse> route(CallContext ctx, VerifiedCall call, CallExchange exchange,
                                                 ExecutorService workers, boolean onWorker) {
        Route route = call.route();
        if (route instanceof Route.None none) {
            return done(QimenResponse.failure(ErrorCode.INVALID_METHOD, none.message()));
        }
        if (route instanceof Route.Inbox stored) {
            Inbox box = inbox.get();
            if (box == null) {
                return done(QimenResponse.failure(ErrorCode.INVALID_METHOD, "no handler for method " + call.method()));
            }
            JsonNode tree;
            try {
                tree = call.tree();
            } catch (QimenException e) {
                return done(e.toResponse());
            }
            return box.recordAsync(call.inbound(), ctx.id(), call.method(), stored, call.signedParams(), tree,
                    call.client(), ctx.format());
        }
        Route.Handler h = (Route.Handler) route;
        try {
            BodyParser.check(call.inbound().contentType().kind(), call.inbound().raw().body(),
                    call.inbound().contentType().charset());
        } catch (QimenException e) {
            return done(e.toResponse());
        }
        QimenRequest request = call.request(ctx.id(), ctx.raw().receivedAt().plus(handlerTimeout));
        return switch (h.execution()) {
            case NON_BLOCKING -> done(invoke(ctx, h.handler(), request));
            case ASYNC -> async(ctx, (AsyncQimenHandler) h.handler(), request, exchange);
            case BLOCKING -> onWorker ? done(invokeOnWorker(ctx, h.handler(), request, exchange))
                    : onWorkers(ctx, h.handler(), request, exchange, workers);
        };
    }

    private CompletionStage<QimenResponse> onWorkers(CallContext ctx, QimenHandler handler, QimenRequest request,
                                                     CallExchange exchange, ExecutorService workers) {
        CompletableFuture<QimenResponse> answer = new CompletableFuture<>();
        try {
            Future<?> work = workers.submit(() -> answer.complete(invokeOnWorker(ctx, handler, request, exchange)));
            exchange.work(work);
        } catch (RejectedExecutionException e) {
            return done(QimenResponse.failure(ErrorCode.OVERLOADED));
        }
        return answer;
    }

    private static CompletionStage<QimenResponse> async(CallContext ctx, AsyncQimenHandler handler,
                                                        QimenRequest request, CallExchange exchange) {
        CompletionStage<QimenResponse> stage;
        try {
            stage = handler.handleAsync(request);
        } catch (Throwable t) {
            return done(systemError(ctx, t));
        }
        if (stage == null) {
            return done(systemError(ctx, new IllegalStateException(handler.getClass().getName() + " returned no stage")));
        }
        CompletableFuture<QimenResponse> future = stage.toCompletableFuture();
        exchange.work(future);
        return future.thenApply(r -> r != null ? r
                : systemError(ctx, new IllegalStateException(handler.getClass().getName() + " answered null")));
    }

    /** Runs a blocking handler on this worker, which the deadline's warning may then look at. */
    private static QimenResponse invokeOnWorker(CallContext ctx, QimenHandler handler, QimenRequest request,
                                                CallExchange exchange) {
        exchange.worker(Thread.currentThread());
        try {
            return invoke(ctx, handler, request);
        } finally {
            exchange.worker(null);
        }
    }

    /**
     * The deadline has passed, before the work is interrupted (on the event loop): logs where a blocking handler is
     * stuck, once a second per method at most, and keeps it for the console.
     */
    public void timedOut(CallContext ctx, CallExchange exchange) {
        try {
            warnings.timedOut(ctx, exchange);
        } catch (RuntimeException e) {
            // a warning never stands between a call and its answer
            warningFailed("handler-timeout", ctx, e);
        }
    }

    /** An answer about to be sent, {@code nanos} after receipt: a slow one is logged (once a second per method). */
    public void answered(CallContext ctx, QimenResponse response, long nanos) {
        try {
            warnings.answered(ctx, response, nanos);
        } catch (RuntimeException e) {
            // a warning never stands between a call and its answer
            warningFailed("slow-call", ctx, e);
        }
    }

    /**
     * A warning that could not be written is itself said, once a second at most (a broken appender would otherwise
     * write one line per call): the exception's class and the call's id only, as its message may hold call data.
     */
    private void warningFailed(String which, CallContext ctx, RuntimeException e) {
        long now = System.nanoTime();
        long last = lastWarningFailure.get();
        if ((last == 0 || now - last >= WARNING_FAILURE_INTERVAL_NANOS) && lastWarningFailure.compareAndSet(last, now)) {
            log.warn("the {} warning of call id={} failed: {}", which, ctx == null ? "?" : ctx.id(),
                    e.getClass().getName());
        }
    }

    /** Runs a handler here; every outcome is an answer. */
    private static QimenResponse invoke(CallContext ctx, QimenHandler handler, QimenRequest request) {
        try {
            QimenResponse response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException(handler.getClass().getName() + " returned no response");
            }
            return response;
        } catch (QimenException e) {
            return e.toResponse();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT);
        } catch (Throwable t) {
            return systemError(ctx, t);
        }
    }

    private static QimenResponse failureOf(CallContext ctx, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof QimenException q) {
            return q.toResponse();
        }
        if (cause instanceof CancellationException) {
            return QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT);
        }
        return systemError(ctx, cause);
    }

    private static CompletionStage<QimenResponse> done(QimenResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /**
     * The caller gets the call's id and nothing else; the log line the same id, the exception's class and message
     * masked ({@link ErrorText}), and the stack trace (frames only: see {@link Redacted}); the console the same error.
     */
    static QimenResponse systemError(CallContext ctx, Throwable t) {
        String id = ctx.id();
        String error = ErrorText.of(t);
        ctx.failed(error);
        log.error("system-error id={} method={} error={}", id, LogSafe.value(ctx.method()), error, Redacted.of(t));
        return QimenResponse.failure(ErrorCode.SYSTEM_ERROR, "internal error, id " + id);
    }
}
