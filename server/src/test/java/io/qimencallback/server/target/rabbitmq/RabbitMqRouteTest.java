package io.qimencallback.server.target.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.inbox.InboxEntry;
import io.qimencallback.server.inbox.InboxStatus;
import io.qimencallback.server.inbox.InboxStore;
import io.qimencallback.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed pushes through a real server whose route is {@code deliveryorder.create: inbox queue}, to the machine's real
 * RabbitMQ: each acknowledged call reaches the queue once; while the broker cannot be reached calls are still
 * answered success and wait in the inbox, delivered when it can, dead after the last attempt.
 */
class RabbitMqRouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TestServer server(Map<String, String> target, UnaryOperator<ServerConfig.Builder> more) {
        Map<String, String> t = new HashMap<>(Map.of("type", "rabbitmq", "uri", Broker.URI));
        t.putAll(target);
        TestServer s = TestServer.start(c -> more.apply(c.target("queue", t)
                .route("deliveryorder.create", "inbox queue").inboxRetryDelay(Duration.ofMillis(200))),
                HandlerRegistry.builder().build());
        open.add(s);
        return s;
    }

    private Broker broker() throws Exception {
        Broker b = Broker.fresh();
        open.add(b);
        return b;
    }

    private static long push(TestServer s, String code) {
        GatewayResponse r = s.send(s.call("deliveryorder.create").customerId("C1").xmlBody(
                "<request><deliveryOrder><deliveryOrderCode>" + code + "</deliveryOrderCode></deliveryOrder></request>"));
        assertThat(r.isSuccess()).as(r.text()).isTrue();
        return Long.parseLong(r.message().replace("stored as inbox entry ", ""));
    }

    private static InboxStore store(TestServer s) {
        return s.server().inbox().orElseThrow().store();
    }

    private static InboxEntry await(TestServer s, long id, Predicate<InboxEntry> condition, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        InboxEntry e = store(s).get(id).orElseThrow();
        while (!condition.test(e)) {
            assertThat(System.nanoTime()).as("entry %s still %s (attempts %s, %s)", id, e.status(), e.attempts(),
                    e.lastError()).isLessThan(deadline);
            Thread.sleep(20);
            e = store(s).get(id).orElseThrow();
        }
        return e;
    }

    private static Set<Long> entryIds(List<GetResponse> messages) {
        Set<Long> ids = new HashSet<>();
        for (GetResponse r : messages) {
            ids.add(((Number) r.getProps().getHeaders().get("qimen-entry-id")).longValue());
        }
        return ids;
    }

    @Test
    void everyAcknowledgedPushReachesTheQueueExactlyOnce() throws Exception {
        Broker broker = broker();
        TestServer s = server(Map.of("exchange", broker.exchange), c -> c);
        int n = 200;
        List<Long> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String code = "DO-" + i;
                calls.add(pool.submit(() -> push(s, code)));
            }
            for (Future<Long> f : calls) {
                ids.add(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        for (long id : ids) {
            InboxEntry e = await(s, id, x -> x.status() == InboxStatus.DONE, 30);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.consumer()).isEqualTo("target:queue");
        }
        List<GetResponse> got = broker.drain(n, 5000);
        Thread.sleep(300);
        assertThat(broker.messageCount()).as("nothing more arrives").isZero();
        assertThat(got).hasSize(n);
        assertThat(entryIds(got)).containsExactlyInAnyOrderElementsOf(ids);
        JsonNode e = JSON.readTree(got.get(0).getBody());
        assertThat(e.get("normalizedMethod").asText()).isEqualTo("deliveryorder.create");
        assertThat(e.get("appKey").asText()).isEqualTo(TestServer.APP_KEY);
        assertThat(e.get("params").has("sign")).isFalse();
        assertThat(e.get("body").asText()).startsWith("<request><deliveryOrder>");
        String metrics = s.admin("/metrics").body();
        assertThat(metrics).contains("qimen_rabbitmq_confirmed_total{target=\"queue\"} 200.0")
                .contains("qimen_rabbitmq_published_total{target=\"queue\"} 200.0")
                .contains("qimen_rabbitmq_connected{target=\"queue\"} 1.0");
    }

    /**
     * The network drops the target's connection three times while the inbox delivers a burst, each time with publishes
     * waiting for their confirms (held back in a relay), so each drop certainly hits work in flight. (A drop by the
     * broker itself, rabbitmqctl close_connection, is RabbitMqTargetTest's.)
     */
    @Test
    void connectionsDroppedDuringABurstOfPushesLoseNoCall() throws Exception {
        Broker broker = broker();
        int port = TcpForward.freePort();
        TcpForward network = new TcpForward(port, 5672);
        open.add(network);
        TestServer s = server(Map.of("uri", "amqp://127.0.0.1:" + port, "exchange", broker.exchange,
                "reconnect_delay", "100ms"), c -> c.inboxDeliveryThreads(8));
        List<Long> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int kills = 0;
        try {
            List<Future<Long>> calls = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                String code = "DO-" + i;
                calls.add(pool.submit(() -> push(s, code)));
            }
            // three times during the burst: the broker's confirms are held back until publishes wait for them, then
            // the connection is cut under them
            for (int at = 60; at <= 300; at += 120) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (counter(s, "qimen.rabbitmq.confirmed") < at) {
                    assertThat(System.nanoTime()).as("%s confirmed within 60 s", at).isLessThan(until);
                    Thread.sleep(2);
                }
                network.hold();
                long held = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (counter(s, "qimen.rabbitmq.published") - counter(s, "qimen.rabbitmq.confirmed") < 3
                        && System.nanoTime() < held) {
                    Thread.sleep(2);
                }
                network.cut();
                kills++;
            }
            for (Future<Long> f : calls) {
                ids.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        int n = ids.size();
        int retried = 0;
        for (long id : ids) {
            if (await(s, id, x -> x.status() == InboxStatus.DONE, 60).attempts() > 1) {
                retried++;
            }
        }
        List<GetResponse> got = broker.drain(n, 5000);
        assertThat(entryIds(got)).as("distinct entry ids in the queue").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(kills).as("connections cut during the burst").isEqualTo(3);
        // the drops hit work in flight: a publish failed on its connection, and its entry was delivered again
        assertThat(failed(s, "connection")).as("deliveries failed by a dropped connection, after %d drops: %s", kills,
                s.admin("/metrics").body().lines().filter(l -> l.startsWith("qimen_rabbitmq_")
                        || l.startsWith("qimen_inbox_delivery_seconds_count")).toList()).isPositive();
        assertThat(retried).as("entries delivered on a second attempt").isPositive();
        System.out.printf("%d pushes, %d connections dropped: %d messages, %d distinct, %d entries retried%n", n,
                kills, got.size(), entryIds(got).size(), retried);
    }

    private static double counter(TestServer s, String name, String... tags) {
        var c = s.server().metrics().registry().find(name).tag("target", "queue").tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static double failed(TestServer s, String outcome) {
        return counter(s, "qimen.rabbitmq.failed", "outcome", outcome);
    }

    @Test
    void whileTheBrokerIsUnreachableCallsAreAnsweredAndWaitThenGoWhenItIsBack() throws Exception {
        Broker broker = broker();
        int port = TcpForward.freePort();
        TestServer s = server(Map.of("uri", "amqp://127.0.0.1:" + port, "exchange", broker.exchange,
                "reconnect_delay", "100ms"), c -> c.inboxMaxAttempts(2));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(push(s, "DO-" + i));
        }
        for (long id : ids) {
            await(s, id, x -> x.lastError() != null && x.lastError().contains("broker unreachable"), 15);
        }
        // tried again while it is down (the outage backoff starts at 200 ms and doubles per failure in a row): with 2
        // attempts allowed, none is used
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (failed(s, "unreachable") < ids.size() + 2L) {
            assertThat(System.nanoTime()).as("retried while unreachable").isLessThan(until);
            Thread.sleep(50);
        }
        for (long id : ids) {
            InboxEntry e = store(s).get(id).orElseThrow();
            assertThat(e.status()).as("waiting, not dead").isIn(InboxStatus.NEW, InboxStatus.PROCESSING,
                    InboxStatus.FAILED);
            // a claimed entry counts its attempt until the delivery gives it back
            assertThat(e.attempts()).as("an unreachable broker costs no attempt: %s", e)
                    .isEqualTo(e.status() == InboxStatus.PROCESSING ? e.attempts() : 0).isLessThanOrEqualTo(1);
        }
        assertThat(broker.messageCount()).isZero();

        open.add(new TcpForward(port, 5672)); // the broker is back at the configured address
        for (long id : ids) {
            await(s, id, x -> x.status() == InboxStatus.DONE, 30);
        }
        List<GetResponse> got = broker.drain(ids.size(), 5000);
        assertThat(got).hasSize(ids.size());
        assertThat(entryIds(got)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(s.admin("/metrics").body()).contains("qimen_rabbitmq_failed_total{outcome=\"unreachable\",target=\"queue\"}");
    }

    @Test
    void anEntryTheBrokerNeverTakesIsDeadAfterTheLastAttempt() throws Exception {
        Broker broker = Broker.fresh("elsewhere.#"); // the exchange exists, no queue takes qimen.*
        open.add(broker);
        TestServer s = server(Map.of("exchange", broker.exchange), c -> c.inboxMaxAttempts(3));
        long id = push(s, "DO-1");
        InboxEntry dead = await(s, id, x -> x.status() == InboxStatus.DEAD, 20);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("unroutable");
        assertThat(s.admin("/metrics").body())
                .contains("qimen_rabbitmq_failed_total{outcome=\"returned\",target=\"queue\"} 3.0")
                .contains("qimen_inbox_dead_letters_total 1.0");
    }
}
