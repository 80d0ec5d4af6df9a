package io.qimencallback.server.target.rabbitmq;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One target's meters; every label value is bounded (the section name, an {@link Outcome}). */
final class RabbitMqMetrics {
    /** Why a delivery failed. */
    enum Outcome {
        /** no connection could be opened (or one failed less than reconnect_delay ago) */
        UNREACHABLE,
        /** the connection or channel closed under the publish */
        CONNECTION,
        /** the broker's alarm blocked publishing */
        BLOCKED,
        /** the broker answered basic.nack */
        NACK,
        /** mandatory and no queue bound: basic.return */
        RETURNED,
        /** no confirm within confirm_timeout */
        TIMEOUT,
        /** the inbox's delivery deadline interrupted the wait, or the server is stopping */
        INTERRUPTED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter published;
    private final Counter confirmed;
    private final Map<Outcome, Counter> failed = new EnumMap<>(Outcome.class);
    private final Timer confirmLatency;

    RabbitMqMetrics(MeterRegistry registry, String target, BooleanSupplier connected) {
        published = Counter.builder("qimen.rabbitmq.published").tag("target", target)
                .description("Messages sent to the broker (each inbox delivery publishes one)").register(registry);
        confirmed = Counter.builder("qimen.rabbitmq.confirmed").tag("target", target)
                .description("Messages the broker confirmed (the inbox entry is done)").register(registry);
        for (Outcome o : Outcome.values()) {
            failed.put(o, Counter.builder("qimen.rabbitmq.failed").tag("target", target).tag("outcome", o.label())
                    .description("Deliveries that failed (the inbox retries them), by why").register(registry));
        }
        confirmLatency = Timer.builder("qimen.rabbitmq.confirm.latency").tag("target", target)
                .description("From publish to the broker's confirm")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
        Gauge.builder("qimen.rabbitmq.connected", connected, c -> c.getAsBoolean() ? 1 : 0).strongReference(true)
                .tag("target", target)
                .description("1 while the target has an open connection to the broker").register(registry);
    }

    void published() {
        published.increment();
    }

    void confirmed(long nanos) {
        confirmed.increment();
        confirmLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(Outcome outcome) {
        failed.get(outcome).increment();
    }
}
