package io.qimencallback.server.target.rabbitmq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.server.target.PublishMeters;
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
        INTERRUPTED
    }

    private final PublishMeters<Outcome> meters;

    RabbitMqMetrics(MeterRegistry registry, String target, BooleanSupplier connected) {
        meters = new PublishMeters<>(registry, "qimen.rabbitmq", target, Outcome.class, new PublishMeters.Texts(
                "Messages sent to the broker (each inbox delivery publishes one)",
                "Messages the broker confirmed (the inbox entry is done)",
                "confirm.latency", "From publish to the broker's confirm"));
        Gauge.builder("qimen.rabbitmq.connected", connected, c -> c.getAsBoolean() ? 1 : 0).strongReference(true)
                .tag("target", target)
                .description("1 while the target has an open connection to the broker").register(registry);
    }

    void published() {
        meters.published();
    }

    void confirmed(long nanos) {
        meters.confirmed(nanos);
    }

    void failed(Outcome outcome) {
        meters.failed(outcome);
    }
}
