package io.qimencallback.server.target;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What every broker target counts: {@code <prefix>.published}, {@code <prefix>.confirmed} with the latency from the
 * publish to the broker's confirmation, and {@code <prefix>.failed} by a bounded outcome (the enum's constant names,
 * lower-cased). Every label value is bounded: the target's section name and the outcomes.
 *
 * @param <O> why a delivery failed
 */
public final class PublishMeters<O extends Enum<O>> {
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    /** The meters' descriptions, and the latency timer's name under the prefix ({@code confirm.latency}). */
    public record Texts(String published, String confirmed, String latencyName, String latency) {
        public Texts {
            Objects.requireNonNull(published, "published");
            Objects.requireNonNull(confirmed, "confirmed");
            Objects.requireNonNull(latencyName, "latencyName");
            Objects.requireNonNull(latency, "latency");
        }
    }

    private final Counter published;
    private final Counter confirmed;
    private final Map<O, Counter> failed;
    private final Timer latency;

    public PublishMeters(MeterRegistry registry, String prefix, String target, Class<O> outcomes, Texts texts) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(target, "target");
        published = Counter.builder(prefix + ".published").tag("target", target).description(texts.published())
                .register(registry);
        confirmed = Counter.builder(prefix + ".confirmed").tag("target", target).description(texts.confirmed())
                .register(registry);
        failed = new EnumMap<>(outcomes);
        for (O o : outcomes.getEnumConstants()) {
            failed.put(o, Counter.builder(prefix + ".failed").tag("target", target)
                    .tag("outcome", o.name().toLowerCase(Locale.ROOT))
                    .description("Deliveries that failed (the inbox retries them), by why").register(registry));
        }
        latency = Timer.builder(prefix + "." + texts.latencyName()).tag("target", target).description(texts.latency())
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    public void published() {
        published.increment();
    }

    /** Confirmed {@code nanos} after the publish. */
    public void confirmed(long nanos) {
        confirmed.increment();
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void failed(O outcome) {
        failed.get(outcome).increment();
    }
}
