package io.qimencallback.server.http;

import io.qimencallback.server.call.CallProcessor;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.recent.RecentCalls;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * What every connection on the public port shares.
 *
 * @param path      the service path
 * @param processor the checks and the dispatch
 * @param workers   where calls run; bounded, so a full queue rejects
 * @param deadline  time from receipt to the {@code handler-timeout} answer
 * @param metrics   meters
 * @param draining  true once shutdown has begun: answers then close their connection
 * @param recentCalls where finished calls are kept for the debug console
 * @param eventLoopBodyLimit calls with a body up to this size are verified on the event loop; larger ones on a worker
 */
public record ServiceEndpoint(String path, CallProcessor processor, ExecutorService workers, Duration deadline,
                              ServerMetrics metrics, BooleanSupplier draining, RecentCalls recentCalls,
                              int eventLoopBodyLimit) {

    public ServiceEndpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(processor, "processor");
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(draining, "draining");
        Objects.requireNonNull(recentCalls, "recentCalls");
        if (eventLoopBodyLimit < 0) {
            throw new IllegalArgumentException("eventLoopBodyLimit must not be negative");
        }
    }
}
