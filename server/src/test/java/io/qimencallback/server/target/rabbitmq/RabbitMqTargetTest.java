package io.qimencallback.server.target.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetUnavailableException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The target against the machine's real RabbitMQ: what a message carries, unroutable messages, a dropped connection. */
class RabbitMqTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    static QimenRequest request(String code, String customerId) {
        String xml = "<request><deliveryOrder><deliveryOrderCode>" + code + "</deliveryOrderCode><receiverInfo>"
                + "<name>张三</name></receiverInfo></deliveryOrder></request>";
        return QimenRequest.builder("taobao.qimen.deliveryorder.create").param("app_key", "12345678")
                .param("customerId", customerId).param("format", "xml")
                .body(xml.getBytes(StandardCharsets.UTF_8), ContentKind.XML, MissingNode.getInstance())
                .contentType("text/xml;charset=utf-8", StandardCharsets.UTF_8)
                .receivedAt(Instant.parse("2026-12-01T00:00:00Z")).callId("call-" + code).build();
    }

    static InboxDelivery delivery(long id) {
        return new InboxDelivery(id, 1, "DO-" + id, request("DO-" + id, "C1"));
    }

    private Target target(String name, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(Map.of("type", "rabbitmq", "uri", Broker.URI));
        all.putAll(keys);
        return new RabbitMqTargetType().create(Section.of("targets", name, all, Map.of()),
                new TargetEnvironment(meters, Duration.ofSeconds(10)));
    }

    private static String name() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private double count(String meter, String... tags) {
        var c = meters.find(meter).tags(tags).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void nDeliveriesMakeExactlyNMessagesWithTheEntryInHeadersAndTheEnvelopeAsBody() throws Exception {
        int n = 200;
        try (Broker broker = Broker.fresh(); Target target = target(name(), Map.of("exchange", broker.exchange))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (long id = 1; id <= n; id++) {
                    long entry = id;
                    done.add(pool.submit(() -> {
                        target.deliver(delivery(entry));
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            List<GetResponse> got = broker.drain(n, 5000);
            assertThat(got).hasSize(n);
            Set<Long> ids = new HashSet<>();
            for (GetResponse r : got) {
                var p = r.getProps();
                long id = ((Number) p.getHeaders().get("qimen-entry-id")).longValue();
                ids.add(id);
                assertThat(r.getEnvelope().getRoutingKey()).isEqualTo("qimen.deliveryorder.create");
                assertThat(p.getContentType()).isEqualTo("application/json");
                assertThat(p.getDeliveryMode()).isEqualTo(2);
                assertThat(p.getMessageId()).isEqualTo(Long.toString(id));
                assertThat(p.getType()).isEqualTo("deliveryorder.create");
                assertThat(p.getTimestamp().toInstant()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
                assertThat(p.getHeaders().get("qimen-method").toString()).isEqualTo("deliveryorder.create");
                assertThat(p.getHeaders().get("qimen-business-key").toString()).isEqualTo("DO-" + id);
                assertThat(((Number) p.getHeaders().get("qimen-attempt")).intValue()).isEqualTo(1);
                assertThat(p.getHeaders().get("qimen-call-id").toString()).isEqualTo("call-DO-" + id);
                JsonNode e = JSON.readTree(r.getBody());
                assertThat(e.get("entryId").asLong()).isEqualTo(id);
                assertThat(e.get("businessKey").asText()).isEqualTo("DO-" + id);
                assertThat(e.get("normalizedMethod").asText()).isEqualTo("deliveryorder.create");
                assertThat(e.get("customerId").asText()).isEqualTo("C1");
                assertThat(e.get("body").asText()).contains("<deliveryOrderCode>DO-" + id + "<", "张三");
            }
            assertThat(ids).hasSize(n);
            String t = target.name();
            assertThat(count("qimen.rabbitmq.published", "target", t)).isEqualTo(n);
            assertThat(count("qimen.rabbitmq.confirmed", "target", t)).isEqualTo(n);
            assertThat(meters.find("qimen.rabbitmq.failed").tag("target", t).counters())
                    .allSatisfy(c -> assertThat(c.count()).isZero());
            assertThat(meters.find("qimen.rabbitmq.confirm.latency").tag("target", t).timer().count()).isEqualTo(n);
            assertThat(meters.find("qimen.rabbitmq.connected").tag("target", t).gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void theRoutingKeyTakesTheCustomerIdCleaned() throws Exception {
        try (Broker broker = Broker.fresh("orders.#");
             Target target = target(name(), Map.of("exchange", broker.exchange,
                     "routing_key", "orders.{customerId}.{method}"))) {
            target.deliver(new InboxDelivery(7, 2, "DO-7", request("DO-7", "shop.1 #*")));
            GetResponse r = broker.drain(1, 5000).get(0);
            assertThat(r.getEnvelope().getRoutingKey()).isEqualTo("orders.shop_1___.deliveryorder.create");
            assertThat(((Number) r.getProps().getHeaders().get("qimen-attempt")).intValue()).isEqualTo(2);
        }
    }

    @Test
    void anUnroutableMessageFailsTheDeliveryAndTheTargetGoesOn() throws Exception {
        try (Broker broker = Broker.fresh("elsewhere.#");
             Target target = target(name(), Map.of("exchange", broker.exchange))) {
            assertThatThrownBy(() -> target.deliver(delivery(1))).isNotInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("unroutable").hasMessageContaining("qimen.deliveryorder.create")
                    .hasMessageContaining("NO_ROUTE");
            assertThat(count("qimen.rabbitmq.failed", "target", target.name(), "outcome", "returned")).isEqualTo(1);
            assertThat(count("qimen.rabbitmq.confirmed", "target", target.name())).isZero();
            assertThat(broker.messageCount()).isZero();
        }
        // mandatory: false: the broker drops what no queue takes, and that counts as delivered
        try (Broker broker = Broker.fresh("elsewhere.#");
             Target target = target(name(), Map.of("exchange", broker.exchange, "mandatory", "false"))) {
            target.deliver(delivery(1));
            assertThat(count("qimen.rabbitmq.confirmed", "target", target.name())).isEqualTo(1);
        }
    }

    @Test
    void aMissingExchangeFailsWithTheBrokersWordsAndTheNextDeliveryWorks() throws Exception {
        try (Broker broker = Broker.fresh();
             Target missing = target(name(), Map.of("exchange", broker.exchange + "-missing", "declare", "false"))) {
            assertThatThrownBy(() -> missing.deliver(delivery(1))).hasMessageContaining("NOT_FOUND")
                    .hasMessageContaining("closed the channel");
            assertThatThrownBy(() -> missing.deliver(delivery(2))).hasMessageContaining("NOT_FOUND");
            assertThat(count("qimen.rabbitmq.failed", "target", missing.name(), "outcome", "connection"))
                    .isEqualTo(2);
            // the connection survived the channel errors
            assertThat(meters.find("qimen.rabbitmq.connected").tag("target", missing.name()).gauge().value())
                    .isEqualTo(1);
        }
    }

    @Test
    void anUnreachableBrokerFailsFastAndTheNextAttemptWaitsForTheReconnectDelay() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (Target target = target(name(), Map.of("uri", "amqp://127.0.0.1:" + port, "reconnect_delay", "1h"))) {
            // nothing sent: the inbox keeps the entry waiting without using an attempt
            assertThatThrownBy(() -> target.deliver(delivery(1))).isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("broker unreachable").hasMessageContaining("Connection refused");
            long start = System.nanoTime();
            assertThatThrownBy(() -> target.deliver(delivery(1))).isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("broker unreachable");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(count("qimen.rabbitmq.failed", "target", target.name(), "outcome", "unreachable")).isEqualTo(2);
            assertThat(meters.find("qimen.rabbitmq.connected").tag("target", target.name()).gauge().value()).isZero();
        }
    }

    @Test
    void theDeliveryTimeoutIsConnectPlusConfirmPlusASecond() {
        try (Target target = target(name(), Map.of("connect_timeout", "2s", "confirm_timeout", "7s"))) {
            assertThat(target.deliveryTimeout()).contains(Duration.ofSeconds(10));
        }
    }

    @Test
    void aWrongPasswordFailsWithoutTheBrokerOrTheMessageShowingIt() throws Exception {
        try (Broker broker = Broker.fresh();
             Target target = target(name(), Map.of("exchange", broker.exchange, "username", "guest",
                     "password", "not-the-Pa55word"))) {
            assertThatThrownBy(() -> target.deliver(delivery(1))).isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("broker unreachable")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-Pa55word"));
            assertThat(target.describe()).contains("user guest").doesNotContain("not-the-Pa55word");
        }
    }

    /**
     * The broker's memory alarm (watermark 0) stops it reading publishes: the first one waits out confirm_timeout,
     * later ones fail at once while the broker says it blocks, and deliveries work again when the alarm clears.
     */
    @Test
    void aBlockedBrokerTimesOutThenFailsFastThenRecovers() throws Exception {
        try (Broker broker = Broker.fresh();
             Target target = target(name(), Map.of("exchange", broker.exchange, "confirm_timeout", "1s"))) {
            String t = target.name();
            target.deliver(delivery(1));
            String watermark = Broker.watermarkToRestore();
            // a test JVM stopped in the middle (Ctrl-C, surefire's timeout) restores it as well
            Thread restoreAtExit = new Thread(() -> Broker.restoreWatermark(watermark));
            Runtime.getRuntime().addShutdownHook(restoreAtExit);
            try {
                Broker.rabbitmqctl("set_vm_memory_high_watermark", "0");
                long start = System.nanoTime();
                assertThatThrownBy(() -> target.deliver(delivery(2)))
                        .hasMessageMatching(".*(no publisher confirm within 1000 ms|blocks publishing).*");
                assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (count("qimen.rabbitmq.failed", "target", t, "outcome", "blocked") < 1) {
                    assertThat(System.nanoTime()).as("no blocked failure within 5 s").isLessThan(deadline);
                    start = System.nanoTime();
                    try {
                        target.deliver(delivery(3));
                    } catch (Exception e) {
                        // a timeout until the broker's connection.blocked arrives, then blocked
                    }
                }
                start = System.nanoTime();
                // nothing sent while the broker says it blocks: the entry waits without using an attempt
                assertThatThrownBy(() -> target.deliver(delivery(3))).isInstanceOf(TargetUnavailableException.class)
                        .hasMessageContaining("blocks publishing");
                assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
            } finally {
                Broker.restoreWatermark(watermark);
                Runtime.getRuntime().removeShutdownHook(restoreAtExit);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (long id : new long[] {2, 3}) {
                while (true) {
                    try {
                        target.deliver(delivery(id));
                        break;
                    } catch (Exception e) {
                        assertThat(System.nanoTime()).as("still failing: %s", e.getMessage()).isLessThan(deadline);
                        Thread.sleep(50);
                    }
                }
            }
            Set<Long> ids = new HashSet<>();
            for (GetResponse r : broker.drain(3, 5000)) {
                ids.add(((Number) r.getProps().getHeaders().get("qimen-entry-id")).longValue());
            }
            assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(count("qimen.rabbitmq.failed", "target", t, "outcome", "timeout")
                    + count("qimen.rabbitmq.failed", "target", t, "outcome", "blocked")).isGreaterThanOrEqualTo(2);
        }
    }

    /** A queue that refuses past its length makes the broker nack: the delivery fails. */
    @Test
    void aNackFailsTheDelivery() throws Exception {
        try (Broker broker = Broker.fresh("qimen.#", Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
             Target target = target(name(), Map.of("exchange", broker.exchange))) {
            target.deliver(delivery(1));
            assertThatThrownBy(() -> target.deliver(delivery(2))).hasMessageContaining("basic.nack")
                    .isNotInstanceOf(TargetUnavailableException.class); // reached and refused: costs an attempt
            assertThat(count("qimen.rabbitmq.failed", "target", target.name(), "outcome", "nack")).isEqualTo(1);
            assertThat(broker.drain(1, 5000)).hasSize(1);
            target.deliver(delivery(2)); // room again
        }
    }

    /**
     * The broker drops the target's connection twice during a burst; each failed delivery is retried as the inbox
     * would. Every entry must reach the queue at least once (a message whose confirm was lost may come twice).
     */
    @Test
    void aConnectionDroppedByTheBrokerDuringABurstLosesNoEntry() throws Exception {
        int n = 4000;
        String name = name();
        try (Broker broker = Broker.fresh();
             Target target = target(name, Map.of("exchange", broker.exchange, "reconnect_delay", "100ms"))) {
            AtomicInteger next = new AtomicInteger(1);
            AtomicInteger failures = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new ArrayList<>();
            try {
                for (int w = 0; w < 4; w++) {
                    workers.add(pool.submit(() -> {
                        for (int id; (id = next.getAndIncrement()) <= n; ) {
                            for (int attempt = 1; ; attempt++) {
                                try {
                                    target.deliver(new InboxDelivery(id, attempt, "DO-" + id, request("DO-" + id, "C1")));
                                    break;
                                } catch (Exception e) {
                                    failures.incrementAndGet();
                                    assertThat(attempt).as("entry %s: %s", id, e.getMessage()).isLessThan(200);
                                    Thread.sleep(20);
                                }
                            }
                        }
                        return null;
                    }));
                }
                int kills = 0;
                for (int at : new int[] {n / 10, n / 2}) {
                    while (count("qimen.rabbitmq.confirmed", "target", name) < at) {
                        Thread.sleep(2);
                    }
                    kills += Broker.closeConnections("qimen-callback-server " + name);
                }
                for (Future<?> f : workers) {
                    f.get(120, TimeUnit.SECONDS);
                }
                // the second drop may find the burst's connection gone already on a loaded machine (rabbitmqctl takes
                // seconds); the first always lands, and the assertions below check that a drop hit work in flight
                assertThat(kills).as("connections closed; the broker lists now: %s",
                        Broker.rabbitmqctl("-q", "list_connections", "name", "state", "client_properties"))
                        .isBetween(1, 2);
            } finally {
                pool.shutdownNow();
            }

            List<GetResponse> got = broker.drain(n, 10_000);
            Set<Long> ids = new HashSet<>();
            for (GetResponse r : got) {
                ids.add(((Number) r.getProps().getHeaders().get("qimen-entry-id")).longValue());
            }
            assertThat(ids).as("distinct entry ids in the queue").hasSize(n);
            assertThat(got.size()).isGreaterThanOrEqualTo(n);
            // the drops really hit publishes in flight, and the target reconnected each time
            assertThat(failures.get()).isPositive();
            assertThat(count("qimen.rabbitmq.failed", "target", name, "outcome", "connection")).isPositive();
            assertThat(count("qimen.rabbitmq.confirmed", "target", name)).isEqualTo(n);
            System.out.printf("burst of %d with dropped connections: %d messages, %d distinct, %d failed deliveries%n",
                    n, got.size(), ids.size(), failures.get());
        }
    }
}
