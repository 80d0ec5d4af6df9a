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
     * The broker drops the target's connection while the inbox delivers a burst; the drops are timed by progress (so
     * far confirmed) and repeated until one has hit a publish in flight, which the test then checks it did.
     */
    @Test
    void connectionsDroppedByTheBrokerDuringABurstOfPushesLoseNoCall() throws Exception {
        Broker broker = broker();
        TestServer s = server(Map.of("exchange", broker.exchange, "reconnect_delay", "100ms"),
                c -> c.inboxDeliveryThreads(16));
        List<Long> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int kills = 0;
        try {
            // bursts of 500 pushes; while each is being delivered, the broker drops the connection again and again
            // until a drop has failed a publish in flight (a drop between publishes is met at the next connect)
            for (int round = 0; round < 4 && failed(s, "connection") == 0; round++) {
                int before = ids.size();
                List<Future<Long>> calls = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    String code = "DO-" + round + "-" + i;
                    calls.add(pool.submit(() -> push(s, code)));
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (failed(s, "connection") == 0 && counter(s, "qimen.rabbitmq.confirmed") < before + 450
                        && System.nanoTime() < until) {
                    if (counter(s, "qimen.rabbitmq.confirmed") > before + 20) {
                        kills += Broker.closeConnectionsOnce("qimen-callback-server queue");
                        Thread.sleep(150); // the failure is counted once the delivery thread sees the close
                    } else {
                        Thread.sleep(5);
                    }
                }
                for (Future<Long> f : calls) {
                    ids.add(f.get(60, TimeUnit.SECONDS));
                }
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
        assertThat(kills).as("connections the broker closed during the burst").isPositive();
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
