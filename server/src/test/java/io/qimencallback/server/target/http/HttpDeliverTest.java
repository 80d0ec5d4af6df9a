package io.qimencallback.server.target.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inbox delivery to an HTTP target, against a real endpoint; and the section's checks at start. */
class HttpDeliverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "<request><deliveryOrder><deliveryOrderCode>DO-1</deliveryOrderCode>"
            + "<receiverInfo><name>张三</name></receiverInfo></deliveryOrder></request>";

    private static Target open(Map<String, String> settings, SimpleMeterRegistry meters) {
        return new HttpTargetType().create(Section.of("targets", "erp", settings, Map.of()),
                new TargetEnvironment(meters, Duration.ofSeconds(10)));
    }

    private static InboxDelivery delivery(long entryId, int attempt) {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        QimenRequest request = QimenRequest.builder("taobao.qimen.deliveryorder.create")
                .param("app_key", "12345678").param("customerId", "CUST001")
                .body(body, ContentKind.XML, MissingNode.getInstance())
                .contentType("text/xml;charset=utf-8", StandardCharsets.UTF_8)
                .callId("call-" + attempt)
                .build();
        return new InboxDelivery(entryId, attempt, "DO-1", request);
    }

    @Test
    void a2xxIsDoneAndTheWebhookIdIsTheEntryOnEveryAttempt() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FakeErp erp = FakeErp.http(FakeErp.json(500, "{\"error\":\"ERP down: 张三's order\"}"));
             Target target = open(HttpForwardTest.target(erp.url()), meters)) {
            assertThatThrownBy(() -> target.deliver(delivery(42, 1)))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessage("target erp answered HTTP 500");
            erp.answer(FakeErp.json(204, ""));
            target.deliver(delivery(42, 2));

            assertThat(erp.received()).hasSize(2);
            for (FakeErp.Received r : erp.received()) {
                assertThat(r.header("webhook-id")).isEqualTo("42");
                assertThat(FakeErp.signedWith(r, HttpForwardTest.SECRET)).isTrue();
                assertThat(r.header("content-type")).isEqualTo("application/json");
            }
            JsonNode envelope = JSON.readTree(erp.last().body());
            assertThat(envelope.path("entryId").asLong()).isEqualTo(42);
            assertThat(envelope.path("attempt").asInt()).isEqualTo(2);
            assertThat(envelope.path("businessKey").asText()).isEqualTo("DO-1");
            assertThat(envelope.path("normalizedMethod").asText()).isEqualTo("deliveryorder.create");
            assertThat(envelope.path("body").asText()).isEqualTo(BODY);
            assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "ok").counter().count())
                    .isEqualTo(1.0);
            assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "status_5xx").counter()
                    .count()).isEqualTo(1.0);
        }
    }

    @Test
    void aTargetNobodyListensOnIsUnavailableAndWaitsWithoutAnAttempt() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (Target target = open(HttpForwardTest.target("http://127.0.0.1:" + closedPort + "/qimen"), meters)) {
            assertThatThrownBy(() -> target.deliver(delivery(7, 1))).isInstanceOf(TargetUnavailableException.class)
                    .hasMessage("target erp: cannot connect (ConnectException)");
        }
        // a name that does not resolve (.invalid never does, RFC 2606)
        try (Target target = open(HttpForwardTest.target("http://erp.invalid:8000/qimen"), meters)) {
            assertThatThrownBy(() -> target.deliver(delivery(8, 1))).isInstanceOf(TargetUnavailableException.class);
        }
        assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "unreachable").counter()
                .count()).isEqualTo(2.0);
        assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "error").counter().count())
                .isZero();
    }

    @Test
    void aConnectionLostAfterTheRequestCostsAnAttempt() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // the request reached the target, which may have stored it: not "unavailable", an ordinary failure
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (java.net.Socket c = listener.accept()) {
                        c.getInputStream().read(new byte[65536]);
                        c.setSoLinger(true, 0); // a reset, not a clean close
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "resetter");
            closer.setDaemon(true);
            closer.start();
            try (Target target = open(HttpForwardTest.target("http://127.0.0.1:" + listener.getLocalPort() + "/qimen"),
                    meters)) {
                assertThatThrownBy(() -> target.deliver(delivery(9, 1))).isInstanceOf(java.io.IOException.class)
                        .isNotInstanceOf(TargetUnavailableException.class)
                        .hasMessageStartingWith("target erp: no HTTP answer");
            }
        }
        assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "error").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aSlowTargetTimesOutWithinItsOwnDeliveryTimeout() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FakeErp erp = FakeErp.http((r, x) -> {
            Thread.sleep(5_000);
            FakeErp.send(x, 200, "application/json", "{}");
        }); Target target = open(HttpForwardTest.target(erp.url(), "timeout", "300ms"), meters)) {
            assertThat(target.deliveryTimeout()).contains(Duration.ofMillis(1_300));
            long start = System.nanoTime();
            assertThatThrownBy(() -> target.deliver(delivery(8, 1))).hasMessage("target erp: no answer within 300 ms")
                    .isNotInstanceOf(TargetUnavailableException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(target.deliveryTimeout().get().toMillis()
                    + 2_000L);
        }
        assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "timeout").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void anInterruptedDeliveryIsCountedAndKeepsTheInterrupt() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FakeErp erp = FakeErp.http((r, x) -> {
            arrived.countDown();
            release.await(30, TimeUnit.SECONDS);
            FakeErp.send(x, 200, "application/json", "{}");
        }); Target target = open(HttpForwardTest.target(erp.url(), "timeout", "60s"), meters)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread delivering = new Thread(() -> {
                try {
                    target.deliver(delivery(11, 1));
                } catch (Throwable t) {
                    thrown.set(t);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            }, "delivery");
            delivering.start();
            assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
            delivering.interrupt(); // as the inbox does past its timeout, or at shutdown
            delivering.join(30_000);
            release.countDown();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(stillInterrupted).isTrue();
        }
        assertThat(meters.get("qimen.target.requests").tags("kind", "deliver", "outcome", "timeout").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aSectionWithoutAUsableUrlOrSecretStopsTheStart(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry m = new SimpleMeterRegistry();
        assertThatThrownBy(() -> open(Map.of("type", "http", "url", "http://127.0.0.1:1/"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.erp.secret");
        assertThatThrownBy(() -> open(Map.of("type", "http", "url", "http://127.0.0.1:1/", "secret", "short-secret"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 16").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> open(Map.of("type", "http", "url", "http://127.0.0.1:1/",
                "secret", "forward-secret-0123456789,tiny"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("secret #2").hasMessageNotContaining("tiny");
        assertThatThrownBy(() -> open(Map.of("type", "http", "url", "http://127.0.0.1:1/", "secret", "whsec_!!"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> open(Map.of("type", "http", "secret", HttpForwardTest.SECRET), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.erp.url is not set");
        assertThatThrownBy(() -> open(Map.of("type", "http", "url", "ftp://erp/", "secret", HttpForwardTest.SECRET), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> open(HttpForwardTest.target("http://erp/", "answer", "raw"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.erp.answer");
        assertThatThrownBy(() -> open(HttpForwardTest.target("http://erp/", "timeout", "soon"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.erp.timeout");
        assertThatThrownBy(() -> open(HttpForwardTest.target("http://erp/", "urll", "typo"), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.erp.urll: unknown key");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> open(HttpForwardTest.target("https://erp/", "ca_file", notPem.toString()), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.erp.ca_file");
        assertThatThrownBy(() -> open(HttpForwardTest.target("http://erp/", "ca_file", notPem.toString()), m))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not https");

        try (Target t = open(HttpForwardTest.target("http://erp.internal:8000/qimen?token=hidden"), m)) {
            assertThat(t.type()).isEqualTo("http");
            assertThat(t.describe()).isEqualTo("http://erp.internal:8000/qimen").doesNotContain("hidden");
            assertThat(t.forwarder()).isNotNull();
        }
    }
}
