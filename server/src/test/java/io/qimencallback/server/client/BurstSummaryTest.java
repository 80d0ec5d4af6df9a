package io.qimencallback.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BurstSummaryTest {

    @Test
    void percentilesAreNearestRankOverAnsweredCallsOnly() {
        List<BurstSummary.Result> results = new ArrayList<>();
        for (int ms = 100; ms >= 1; ms--) {
            results.add(new BurstSummary.Result(ms % 10 == 0 ? "failure x" : "success", ms % 10 != 0, Duration.ofMillis(ms)));
        }
        results.add(new BurstSummary.Result("no answer (ConnectException)", false, null));
        BurstSummary s = new BurstSummary(results, Duration.ofSeconds(2));

        assertThat(s.percentile(50)).isEqualTo(Duration.ofMillis(50));
        assertThat(s.percentile(99)).isEqualTo(Duration.ofMillis(99));
        assertThat(s.percentile(100)).isEqualTo(Duration.ofMillis(100));
        assertThat(s.sent()).isEqualTo(101);
        assertThat(s.succeeded()).isEqualTo(90);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.byOutcome()).containsEntry("success", 90).containsEntry("failure x", 10)
                .containsEntry("no answer (ConnectException)", 1);
        assertThat(s.callsPerSecond()).isEqualTo(50.5);
        assertThat(s.report(4)).startsWith("sent 101 calls, concurrency 4, in 2.00 s: 50.5 calls/s")
                .contains("latency: p50 50.0 ms, p99 99.0 ms, max 100.0 ms");
    }

    @Test
    void nothingAnsweredMeansZeroLatencies() {
        BurstSummary s = new BurstSummary(List.of(new BurstSummary.Result("no answer (X)", false, null)), Duration.ofMillis(5));
        assertThat(s.percentile(99)).isZero();
        assertThat(s.errors()).isEqualTo(s.sent());
    }
}
