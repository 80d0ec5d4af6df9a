package io.qimencallback.server.target.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One target's meters; every label value is bounded (the section name, an {@link Outcome}). */
final class KafkaMetrics {
    /** Why a delivery failed. */
    enum Outcome {
        /** no metadata for the topic within a third of delivery_timeout: the broker is unreachable or the topic
         * unknown; nothing was sent, the entry waits without using an attempt */
        METADATA,
        /** no ack within delivery_timeout: the producer's own retries ran out of time */
        TIMEOUT,
        /** the broker refused the record (too large, not authorized, authentication failed, ...) */
        REJECTED,
        /** the inbox's delivery deadline interrupted the wait, or the server is stopping */
        INTERRUPTED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter published;
    private final Counter confirmed;
    private final Map<Outcome, Counter> failed = new EnumMap<>(Outcome.class);
    private final Timer ackLatency;
    private final Counter recreated;

    KafkaMetrics(MeterRegistry registry, String target) {
        published = Counter.builder("qimen.kafka.published").tag("target", target)
                .description("Records handed to the producer (each inbox delivery sends one)").register(registry);
        confirmed = Counter.builder("qimen.kafka.confirmed").tag("target", target)
                .description("Records the broker acknowledged with acks=all (the inbox entry is done)").register(registry);
        for (Outcome o : Outcome.values()) {
            failed.put(o, Counter.builder("qimen.kafka.failed").tag("target", target).tag("outcome", o.label())
                    .description("Deliveries that failed (the inbox retries them), by why").register(registry));
        }
        ackLatency = Timer.builder("qimen.kafka.ack.latency").tag("target", target)
                .description("From send to the broker's ack")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
        recreated = Counter.builder("qimen.kafka.producer.recreated").tag("target", target)
                .description("Producers replaced after a fatal error (fenced, not authorized, sequence lost)")
                .register(registry);
    }

    void producerRecreated() {
        recreated.increment();
    }

    void published() {
        published.increment();
    }

    void confirmed(long nanos) {
        confirmed.increment();
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(Outcome outcome) {
        failed.get(outcome).increment();
    }
}
