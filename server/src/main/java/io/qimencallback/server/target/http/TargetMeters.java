package io.qimencallback.server.target.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One target's meters: {@code qimen_target_requests_total{target, kind, outcome}} and the latency histogram
 * {@code qimen_target_latency_seconds{target, kind}}. Every label value is fixed (the section name, two kinds, the
 * outcomes below), and every series exists from the start, so that a rate over the first failure is not lost.
 */
final class TargetMeters {
    private static final Duration[] BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    /** What one request to the target came to. */
    enum Outcome {
        /** A 2xx with a usable answer (forward), or a 2xx (delivery). */
        OK,
        /** No answer within the deadline (or the call's deadline passed first). */
        TIMEOUT,
        /** No connection could be made (refused, unknown host, connect timeout): nothing was sent. */
        UNREACHABLE,
        /** No HTTP answer after connecting: reset, closed mid-answer, TLS failure. */
        ERROR,
        STATUS_4XX,
        STATUS_5XX,
        /** 1xx or 3xx (redirects are not followed). */
        STATUS_OTHER,
        /** A 2xx whose body is not a usable answer (not JSON, no flag, too large): forwards only. */
        BAD_ANSWER,
        /** {@code max_connections} requests already in flight: forwards only, answered {@code overloaded}. */
        OVERLOADED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Outcome ofStatus(int status) {
            return status / 100 == 2 ? OK : status / 100 == 4 ? STATUS_4XX : status / 100 == 5 ? STATUS_5XX
                    : STATUS_OTHER;
        }
    }

    /** A forward (a call answered synchronously) or a delivery (an inbox entry). */
    enum Kind {
        FORWARD, DELIVER
    }

    private final Map<Kind, Map<Outcome, Counter>> counters = new EnumMap<>(Kind.class);
    private final Map<Kind, Timer> latency = new EnumMap<>(Kind.class);

    TargetMeters(MeterRegistry registry, String target) {
        for (Kind k : Kind.values()) {
            String kind = k.name().toLowerCase(Locale.ROOT);
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                if (k == Kind.DELIVER && (o == Outcome.BAD_ANSWER || o == Outcome.OVERLOADED)) {
                    continue;
                }
                byOutcome.put(o, Counter.builder("qimen.target.requests")
                        .description("Requests to internal targets, by target, kind and outcome")
                        .tag("target", target).tag("kind", kind).tag("outcome", o.label())
                        .register(registry));
            }
            counters.put(k, byOutcome);
            latency.put(k, Timer.builder("qimen.target.latency")
                    .description("Time from sending a request to an internal target to its outcome")
                    .tag("target", target).tag("kind", kind)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
    }

    void record(Kind kind, Outcome outcome, long startNanos) {
        Counter c = counters.get(kind).get(outcome);
        if (c != null) {
            c.increment();
        }
        if (outcome != Outcome.OVERLOADED) {
            latency.get(kind).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }
}
