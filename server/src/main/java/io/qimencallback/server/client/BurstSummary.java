package io.qimencallback.server.client;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** What a {@link Burst} saw: answers by outcome, calls that got no answer, latency percentiles and the rate. */
public final class BurstSummary {

    /**
     * One call. {@code outcome} is {@code success}, {@code failure <code>}, {@code HTTP <status>} or why nothing
     * answered; {@code latency} is null when nothing answered.
     */
    public record Result(String outcome, boolean success, Duration latency) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
        }

        boolean answered() {
            return latency != null;
        }
    }

    private final List<Result> results;
    private final Duration elapsed;
    private final List<Duration> latencies;

    BurstSummary(List<Result> results, Duration elapsed) {
        this.results = List.copyOf(results);
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.latencies = this.results.stream().filter(Result::answered).map(Result::latency)
                .sorted(Comparator.naturalOrder()).toList();
    }

    public int sent() { return results.size(); }
    public int succeeded() { return (int) results.stream().filter(Result::success).count(); }
    /** Calls that got no answer at all. */
    public int errors() { return (int) results.stream().filter(r -> !r.answered()).count(); }
    public Duration elapsed() { return elapsed; }

    /** Calls by outcome, sorted by name. */
    public Map<String, Integer> byOutcome() {
        Map<String, Integer> m = new TreeMap<>();
        results.forEach(r -> m.merge(r.outcome(), 1, Integer::sum));
        return m;
    }

    /** Nearest-rank percentile of the answered calls' latencies; zero when none answered. */
    public Duration percentile(double p) {
        if (latencies.isEmpty()) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p / 100.0 * latencies.size());
        return latencies.get(Math.max(0, Math.min(latencies.size() - 1, rank - 1)));
    }

    public double callsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : results.size() / seconds;
    }

    /** The printed summary. */
    public String report(int concurrency) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "sent %d calls, concurrency %d, in %.2f s: %.1f calls/s%n",
                sent(), concurrency, elapsed.toNanos() / 1e9, callsPerSecond()));
        byOutcome().forEach((outcome, n) -> out.append(String.format(Locale.ROOT, "  %-40s %6d%n", outcome, n)));
        out.append(String.format(Locale.ROOT, "errors (no answer): %d%n", errors()));
        out.append(String.format(Locale.ROOT, "latency: p50 %s, p99 %s, max %s%n",
                millis(percentile(50)), millis(percentile(99)), millis(percentile(100))));
        return out.toString();
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
