package io.qimencallback.server.target.kafka;

import static io.qimencallback.server.target.kafka.Deliveries.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.inbox.InboxEntry;
import io.qimencallback.server.inbox.InboxStatus;
import io.qimencallback.server.inbox.InboxStore;
import io.qimencallback.server.testing.KafkaBroker;
import io.qimencallback.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed pushes through a real server ({@code deliveryorder.create: inbox log}, {@code log} a kafka target) to a real
 * broker: what reaches the topic, and what the gateway is told while the broker is down.
 */
class KafkaInboxEndToEndTest {
    @RegisterExtension
    static final KafkaBroker.PerClass KAFKA = new KafkaBroker.PerClass();
    private static KafkaBroker broker;

    @BeforeAll
    static void broker() {
        broker = KAFKA.broker();
    }

    private static TestServer server(String topic) {
        return TestServer.start(c -> c.inboxRetryDelay(Duration.ofMillis(200)).inboxMaxAttempts(30)
                .target("log", Map.of("type", "kafka", "bootstrap_servers", broker.bootstrap(), "topic", topic,
                        "delivery_timeout", "3s", "close_timeout", "1s"))
                .route("deliveryorder.create", "inbox log"), HandlerRegistry.builder().build());
    }

    private static long push(TestServer s, String code) {
        GatewayResponse r = s.send(s.call("taobao.qimen.deliveryorder.create").customerId("C1").xmlBody(
                "<request><deliveryOrder><deliveryOrderCode>" + code + "</deliveryOrderCode></deliveryOrder></request>"));
        assertThat(r.isSuccess()).as(r.text()).isTrue();
        return Long.parseLong(r.message().replace("stored as inbox entry ", ""));
    }

    private static List<Long> pushAll(TestServer s, String prefix, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String code = prefix + i;
                calls.add(pool.submit(() -> push(s, code)));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Long> f : calls) {
                ids.add(f.get(60, TimeUnit.SECONDS));
            }
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitDone(TestServer s, List<Long> ids, Duration timeout) throws Exception {
        InboxStore store = s.server().inbox().orElseThrow().store();
        long end = System.nanoTime() + timeout.toNanos();
        for (long id : ids) {
            InboxEntry e = store.get(id).orElseThrow();
            while (e.status() != InboxStatus.DONE) {
                assertThat(e.status()).as("entry %s", id).isNotEqualTo(InboxStatus.DEAD);
                assertThat(System.nanoTime()).as("entry %s still %s after %s", id, e.status(), timeout).isLessThan(end);
                Thread.sleep(20);
                e = store.get(id).orElseThrow();
            }
            assertThat(e.consumer()).isEqualTo("target:log");
        }
    }

    private static Set<String> entryIds(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(header(r.headers(), KafkaTarget.ENTRY_ID)));
        return ids;
    }

    @Test
    void twoHundredSignedPushesAreTwoHundredRecordsExactlyOnce() throws Exception {
        String topic = "qimen-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestServer s = server(topic)) {
            List<Long> ids = pushAll(s, "DO-", 200);
            awaitDone(s, ids, Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> records = broker.readAll(topic, 200, Duration.ofSeconds(30));
            assertThat(records).as("one record per entry, no duplicate").hasSize(200);
            assertThat(entryIds(records)).containsExactlyInAnyOrderElementsOf(ids.stream().map(String::valueOf).toList());
            assertThat(records).allSatisfy(r -> assertThat(header(r.headers(), KafkaTarget.BUSINESS_KEY))
                    .startsWith("DO-").isEqualTo(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Test
    void whileTheBrokerIsDownCallsAreAnsweredAndEntriesWaitThenArrive() throws Exception {
        String topic = "qimen-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestServer s = server(topic)) {
            // the topic exists and the producer knows it before the broker goes away
            awaitDone(s, List.of(push(s, "WARM-1")), Duration.ofSeconds(30));
            broker.kill();
            List<Long> ids;
            try {
                ids = pushAll(s, "DOWN-", 20);
                Thread.sleep(2000);
                InboxStore store = s.server().inbox().orElseThrow().store();
                for (long id : ids) {
                    assertThat(store.get(id).orElseThrow().status()).as("entry %s while the broker is down", id)
                            .isNotEqualTo(InboxStatus.DONE).isNotEqualTo(InboxStatus.DEAD);
                }
            } finally {
                broker.restart();
            }
            awaitDone(s, ids, Duration.ofSeconds(90));
            List<ConsumerRecord<byte[], byte[]>> records = broker.readAll(topic, 21, Duration.ofSeconds(30));
            assertThat(entryIds(records)).as("every entry at least once")
                    .containsAll(ids.stream().map(String::valueOf).toList());
            assertThat(s.server().metrics().registry().get("qimen.kafka.failed").tag("target", "log").counters().stream()
                    .mapToDouble(c -> c.count()).sum()).as("deliveries failed while it was down").isPositive();
        }
    }
}
