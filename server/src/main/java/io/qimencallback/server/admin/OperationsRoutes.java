package io.qimencallback.server.admin;

import io.qimencallback.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live} (the process answers) and {@code /health/ready} (ports
 * bound and handlers loaded, not draining). On the event loop, so they answer while the admin worker pool is busy,
 * and whatever the {@code Host}: scrapers and probes address the port by a service name.
 */
public final class OperationsRoutes implements AdminRoutes {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;
    private final BooleanSupplier ready;

    public OperationsRoutes(ServerMetrics metrics, BooleanSupplier ready) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.ready = Objects.requireNonNull(ready, "ready");
    }

    @Override
    public void addTo(AdminRouter.Builder router) {
        router.operational("/metrics", r -> AdminResponse.of(200, PROMETHEUS_TEXT,
                        metrics.scrape().getBytes(StandardCharsets.UTF_8)))
                .operational("/health/live", r -> AdminResponse.text("live"))
                .operational("/health/ready", r -> ready.getAsBoolean()
                        ? AdminResponse.text("ready") : AdminResponse.text(503, "not ready"));
    }
}
