package io.qimencallback.server.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inbox's meters. Gauges read values a background refresh keeps (every few seconds), so that a scrape never
 * waits on the database.
 */
final class InboxMetrics {
    private final Timer appendLatency;
    private final Counter appended;
    private final Counter duplicates;
    private final Counter appendFailures;
    private final Counter keyConflicts;
    private final Counter delivered;
    private final Counter retries;
    private final Counter deadLetters;
    private final Map<InboxStatus, AtomicLong> byStatus = new EnumMap<>(InboxStatus.class);
    private final AtomicLong oldestPendingMillis = new AtomicLong(-1);
    private final AtomicLong stranded = new AtomicLong();
    private final MeterRegistry registry;

    InboxMetrics(MeterRegistry registry, InboxStore store) {
        this.registry = registry;
        appendLatency = Timer.builder("qimen.inbox.append")
                .description("Time to store a call in the inbox and commit it")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1))
                .register(registry);
        appended = Counter.builder("qimen.inbox.appended").description("Calls stored in the inbox").register(registry);
        duplicates = Counter.builder("qimen.inbox.duplicates")
                .description("Redeliveries of a call already stored (same method, customerId and business key)")
                .register(registry);
        keyConflicts = Counter.builder("qimen.inbox.key.conflicts")
                .description("Calls whose business key was stored already with different content (the first is kept)")
                .register(registry);
        appendFailures = Counter.builder("qimen.inbox.append.failures")
                .description("Calls that could not be stored (answered system-error)").register(registry);
        delivered = Counter.builder("qimen.inbox.delivered")
                .description("Entries delivered to their consumer (a target or an inbox handler)").register(registry);
        retries = Counter.builder("qimen.inbox.retries")
                .description("Failed deliveries scheduled again").register(registry);
        deadLetters = Counter.builder("qimen.inbox.dead.letters")
                .description("Entries marked dead after their last attempt").register(registry);
        for (InboxStatus s : InboxStatus.values()) {
            AtomicLong v = new AtomicLong();
            byStatus.put(s, v);
            Gauge.builder("qimen.inbox.entries", v, AtomicLong::get).tag("status", s.dbName())
                    .description("Inbox entries by status").register(registry);
        }
        // 0 from a failed commit of appends until one succeeds again: what /health/ready also reports
        Gauge.builder("qimen.inbox.healthy", store, s -> s.healthy() ? 1 : 0)
                .description("1 while inbox appends succeed, 0 while they fail (calls answered system-error)")
                .register(registry);
        Gauge.builder("qimen.inbox.oldest.pending.age", oldestPendingMillis,
                        v -> v.get() < 0 ? 0 : (System.currentTimeMillis() - v.get()) / 1000.0)
                .baseUnit("seconds")
                .description("Age of the oldest entry not yet done or dead (0 when none)").register(registry);
        Gauge.builder("qimen.inbox.stranded.entries", stranded, AtomicLong::get)
                .description("Pending entries for a consumer this server does not have (a target removed from the"
                        + " configuration): kept, not delivered").register(registry);
    }

    /**
     * One delivery's duration by consumer ({@code target:<name>} or {@code handler}: bounded by the configuration)
     * and outcome ({@code done}; {@code failed}: due again; {@code dead}: the last attempt failed; {@code unavailable}:
     * the consumer could not be reached, due again without using an attempt).
     */
    private void delivery(String consumer, String outcome, long nanos) {
        Timer.builder("qimen.inbox.delivery")
                .description("Deliveries of inbox entries to their consumer, by outcome")
                .tag("consumer", consumer).tag("outcome", outcome)
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void appended(long nanos, boolean duplicate) {
        appendLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        (duplicate ? duplicates : appended).increment();
    }

    void keyConflict() {
        keyConflicts.increment();
    }

    void appendFailed() {
        appendFailures.increment();
    }

    void delivered(String consumer, long nanos) {
        delivered.increment();
        delivery(consumer, "done", nanos);
    }

    /** A delivery failed: the entry is due again later, or dead. */
    void failed(String consumer, long nanos, boolean dead) {
        (dead ? deadLetters : retries).increment();
        delivery(consumer, dead ? "dead" : "failed", nanos);
    }

    /** A delivery could not reach its consumer: due again later, no attempt used. */
    void unavailable(String consumer, long nanos) {
        delivery(consumer, "unavailable", nanos);
    }

    /** Dead without a delivery: claimed again with its attempts used up (the last one's lease ran out). */
    void dead() {
        deadLetters.increment();
    }

    void stranded(long entries) {
        stranded.set(entries);
    }

    void refresh(Map<InboxStatus, Long> counts, Optional<Instant> oldestPending) {
        counts.forEach((s, n) -> byStatus.get(s).set(n));
        oldestPendingMillis.set(oldestPending.map(Instant::toEpochMilli).orElse(-1L));
    }
}
