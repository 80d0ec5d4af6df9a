package io.qimencallback.server.target.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.server.target.PublishMeters;

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
        INTERRUPTED
    }

    private final PublishMeters<Outcome> meters;
    private final Counter recreated;

    KafkaMetrics(MeterRegistry registry, String target) {
        meters = new PublishMeters<>(registry, "qimen.kafka", target, Outcome.class, new PublishMeters.Texts(
                "Records handed to the producer (each inbox delivery sends one)",
                "Records the broker acknowledged with acks=all (the inbox entry is done)",
                "ack.latency", "From send to the broker's ack"));
        recreated = Counter.builder("qimen.kafka.producer.recreated").tag("target", target)
                .description("Producers replaced after a fatal error (fenced, not authorized, sequence lost)")
                .register(registry);
    }

    void producerRecreated() {
        recreated.increment();
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
