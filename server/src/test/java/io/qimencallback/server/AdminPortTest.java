package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics and health, scraped over HTTP from the admin port. */
class AdminPortTest {

    @Test
    void metricsCountCallsByMethodAndOutcomeAndLeaveAdminTrafficOut() throws InterruptedException {
        try (TestServer s = TestServer.start(c -> c.inboxEnabled(false),
                Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            s.send(s.call("deliveryorder.create"));
            s.send(s.call("taobao.qimen.deliveryorder.create"));
            s.send(s.call("deliveryorder.create").signOverride("BAD"));
            for (int i = 0; i < 3; i++) {
                s.send(s.call("random.method." + i)); // no handler: all under method="other"
            }
            s.admin("/health/ready");
            s.raw("POST", "/elsewhere", Map.of(), new byte[0]);

            HttpResponse<String> m = awaitSystemMeters(s);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(m.body())
                    .contains("qimen_requests_seconds_count{method=\"deliveryorder.create\",outcome=\"success\",route=\"handler\"} 2")
                    .contains("qimen_requests_seconds_count{method=\"other\",outcome=\"sign-check-failure\",route=\"-\"} 1")
                    .contains("qimen_requests_seconds_count{method=\"other\",outcome=\"invalid-method\",route=\"none\"} 3")
                    .contains("qimen_requests_seconds_bucket{method=\"deliveryorder.create\",outcome=\"success\",route=\"handler\",le=\"0.1\"}")
                    .contains("qimen_signature_failures_total{app_key=\"12345678\"} 1.0")
                    .contains("qimen_signature_failures_total{app_key=\"other\"} 0.0")
                    .contains("qimen_requests_inflight 0.0")
                    .contains("qimen_executor_queue_depth 0.0")
                    .contains("qimen_http_rejections_total{status=\"404\"} 1.0")
                    .contains("jvm_memory_used_bytes", "process_cpu_usage", "jvm_threads_live_threads")
                    .contains("netty_allocator_memory_used")
                    .doesNotContain("random.method", "/metrics", "/health");
        }
    }

    /** JVM and process meters are bound just after the server is ready. */
    private static HttpResponse<String> awaitSystemMeters(TestServer s) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> m = s.admin("/metrics");
        while (!m.body().contains("netty_allocator_memory_used") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            m = s.admin("/metrics");
        }
        return m;
    }

    @Test
    void healthEndpoints() {
        try (TestServer s = TestServer.start()) {
            assertThat(s.admin("/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = s.admin("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready\n");
            assertThat(s.admin("/nothing").statusCode()).isEqualTo(404);
            assertThat(s.server().ready()).isTrue();
            s.server().stop();
            assertThat(s.server().ready()).isFalse();
        }
    }

    @Test
    void adminIsNotOnThePublicPortAndThePublicPathIsNotOnTheAdminPort() {
        try (TestServer s = TestServer.start()) {
            assertThat(s.raw("GET", "/metrics", Map.of(), null).statusCode()).isEqualTo(404);
            assertThat(s.admin("/qimen").statusCode()).isEqualTo(404);
        }
    }
}
