package io.qimencallback.server.target.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.ChildServer;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server in a child JVM delivering inbox entries to an ERP over HTTP, killed (SIGKILL) while the ERP holds
 * its first deliveries unanswered, then started again: every acknowledged entry reaches the ERP at least once, and a
 * redelivery carries the {@code webhook-id} its first delivery had, for the ERP to deduplicate.
 */
class HttpTargetRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 5;

    @TempDir
    Path dir;

    @Test
    void everyEntryArrivesAfterAKillAndItsWebhookIdIsStable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeErp erp = FakeErp.http((r, x) -> {
            release.await(2, TimeUnit.MINUTES); // held: the server dies waiting for the answer
            FakeErp.send(x, 200, "application/json", "{}");
        })) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET,
                    "QIMEN_ROUTES", "deliveryorder.create=inbox erp",
                    "QIMEN_TARGETS_ERP_TYPE", "http",
                    "QIMEN_TARGETS_ERP_URL", erp.url(),
                    "QIMEN_TARGETS_ERP_SECRET", HttpForwardTest.SECRET,
                    "QIMEN_TARGETS_ERP_TIMEOUT", "60s",
                    "QIMEN_INBOX_RETRY_SECONDS", "1"));
            Set<Long> acknowledged = new TreeSet<>();
            try (ChildServer server = ChildServer.start(dir, env)) {
                GatewayClient gateway = new GatewayClient(server.serviceUrl());
                for (int i = 0; i < CALLS; i++) {
                    GatewayResponse r = gateway.send(GatewayRequest.builder("taobao.qimen.deliveryorder.create")
                            .appKey(TestServer.APP_KEY).secret(TestServer.SECRET).customerId("C1")
                            .xmlBody("<request><deliveryOrder><deliveryOrderCode>DO-" + i + "</deliveryOrderCode>"
                                    + "</deliveryOrder></request>").build());
                    assertThat(r.isSuccess()).as(r.text() + "\n" + server.log()).isTrue();
                    acknowledged.add(Long.parseLong(r.message().replace("stored as inbox entry ", "")));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (erp.received().isEmpty()) {
                    assertThat(System.nanoTime()).as("no delivery reached the ERP\n%s", server.log())
                            .isLessThan(deadline);
                    Thread.sleep(20);
                }
                server.process().destroyForcibly(); // SIGKILL: deliveries in flight, none answered
                assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Map<Long, Integer> beforeKill = firstAttempts(erp.received());
            assertThat(beforeKill).isNotEmpty();
            int seenBeforeKill = erp.received().size();
            release.countDown();

            try (ChildServer again = ChildServer.start(dir, env)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!deliveredIds(erp.received().subList(seenBeforeKill, erp.received().size()))
                        .containsAll(acknowledged)) {
                    assertThat(System.nanoTime()).as("after the restart the ERP got %s of %s\n%s",
                            deliveredIds(erp.received()), acknowledged, again.log()).isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            List<FakeErp.Received> all = erp.received();
            assertThat(deliveredIds(all)).as("the acknowledged entries, no other").isEqualTo(acknowledged);
            for (FakeErp.Received r : all) {
                JsonNode envelope = JSON.readTree(r.body());
                // the webhook-id is the entry id on every attempt, and the signature covers it
                assertThat(r.header("webhook-id")).isEqualTo(envelope.path("entryId").asText());
                assertThat(FakeErp.signedWith(r, HttpForwardTest.SECRET)).isTrue();
            }
            // the interrupted deliveries came again under their id, as a later attempt
            Map<Long, Integer> lastAttempts = new TreeMap<>();
            for (FakeErp.Received r : all) {
                JsonNode envelope = JSON.readTree(r.body());
                lastAttempts.merge(envelope.path("entryId").asLong(), envelope.path("attempt").asInt(), Math::max);
            }
            beforeKill.forEach((id, attempt) -> assertThat(lastAttempts.get(id)).as("entry %s", id)
                    .isGreaterThan(attempt));
        }
    }

    /** Entry id → its first attempt number among {@code received}. */
    private static Map<Long, Integer> firstAttempts(List<FakeErp.Received> received) throws Exception {
        Map<Long, Integer> first = new TreeMap<>();
        for (FakeErp.Received r : received) {
            JsonNode envelope = JSON.readTree(r.body());
            first.putIfAbsent(Long.parseLong(r.header("webhook-id")), envelope.path("attempt").asInt());
        }
        return first;
    }

    private static Set<Long> deliveredIds(List<FakeErp.Received> received) {
        Set<Long> ids = new TreeSet<>();
        received.forEach(r -> ids.add(Long.parseLong(r.header("webhook-id"))));
        return ids;
    }
}
