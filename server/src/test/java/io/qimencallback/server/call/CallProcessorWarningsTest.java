package io.qimencallback.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A warning that fails never reaches the call, and is itself said: rate-limited, class name and call id only. */
class CallProcessorWarningsTest {

    @Test
    void aFailingSlowCallWarningIsLoggedOnceASecondWithoutCallData() {
        CallVerifier verifier = new CallVerifier(() -> AppSecrets.demo(ServerConfig.DEMO_SECRET), Duration.ofMinutes(10),
                new SourcePolicy(List.of(), List.of()), Routes.of(HandlerRegistry.empty(), false, List.of()),
                Clock.systemUTC(), (c, f) -> { });
        CallProcessor processor = new CallProcessor(verifier, new ReplayGuard(10, Clock.systemUTC()), () -> null,
                () -> { }, Duration.ofSeconds(1), 0.5);
        CallContext ctx = new CallContext(new RawRequest("POST", "method=a.b&receiver=13812345678", name -> null,
                "<request/>".getBytes(StandardCharsets.UTF_8), "127.0.0.1", Instant.now()), System.nanoTime());
        try (LogCapture log = LogCapture.of(CallProcessor.class)) {
            // a null answer past the slow threshold: the warning itself throws (NullPointerException)
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                processor.answered(ctx, null, TimeUnit.SECONDS.toNanos(2));
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            List<String> lines = log.lines().stream().filter(l -> l.contains("warning of call")).toList();
            // one line, and one more per second the loop took (however loaded the machine)
            assertThat(lines).isNotEmpty().hasSizeLessThanOrEqualTo((int) seconds + 1);
            assertThat(lines.get(0)).startsWith("WARN the slow-call warning of call id=" + ctx.id()
                    + " failed: java.lang.NullPointerException").doesNotContain("13812345678");
        }
    }
}
