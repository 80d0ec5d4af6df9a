package io.qimencallback.server.target;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * What the server gives every target.
 *
 * @param meters      the server's registry (per-target meters carry a bounded {@code target} label: the section name)
 * @param callTimeout the handler timeout: a synchronous forward's answer must arrive within a call's deadline
 */
public record TargetEnvironment(MeterRegistry meters, Duration callTimeout) {
    public TargetEnvironment {
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(callTimeout, "callTimeout");
    }
}
