package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.ChildServer;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code success} promises: a server killed with SIGKILL in the middle of many concurrent pushes — each sent
 * twice at once, as racing gateway retries — has every call it answered success in its inbox after the restart,
 * exactly once; on SQLite and on PostgreSQL.
 */
class InboxDurabilityTest {
    private static final int CODES = 200;
    private static final int KILL_AFTER_SUCCESSES = 80;

    @TempDir
    Path dir;
    private String url;

    private static GatewayRequest push(int code) {
        return GatewayRequest.builder("taobao.qimen.deliveryorder.create").appKey(TestServer.APP_KEY)
                .secret(TestServer.SECRET).customerId("C1")
                .xmlBody("<request><deliveryOrder><deliveryOrderCode>DO-" + code + "</deliveryOrderCode>"
                        + "</deliveryOrder></request>")
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyCallAnsweredSuccessSurvivesSigkillExactlyOnce(String store) throws Exception {
        Postgres pg = store.equals("postgresql") ? Postgres.freshSchema() : null;
        try {
            survivesSigkill(pg);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private void survivesSigkill(Postgres pg) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET));
        if (pg != null) {
            env.put("QIMEN_INBOX_URL", pg.url());
        }
        this.url = pg == null ? "jdbc:sqlite:" + dir.resolve("data").resolve("inbox.db") : pg.url();
        Map<Integer, String> acknowledged = new ConcurrentHashMap<>(); // code → "stored as inbox entry N"
        AtomicInteger successes = new AtomicInteger();
        try (ChildServer server = ChildServer.start(dir, env)) {
            GatewayClient gateway = new GatewayClient(server.serviceUrl());
            ExecutorService pushers = Executors.newFixedThreadPool(16);
            List<Future<?>> sends = new ArrayList<>();
            for (int code = 0; code < CODES; code++) {
                for (int copy = 0; copy < 2; copy++) { // a redelivery racing the first delivery
                    int c = code;
                    sends.add(pushers.submit(() -> {
                        try {
                            GatewayResponse r = gateway.send(push(c));
                            if (r.isSuccess()) {
                                String previous = acknowledged.putIfAbsent(c, r.message());
                                assertThat(previous == null || previous.equals(r.message()))
                                        .as("both deliveries of DO-%s name the same entry", c).isTrue();
                                if (successes.incrementAndGet() == KILL_AFTER_SUCCESSES) {
                                    server.process().destroyForcibly(); // SIGKILL: no drain, no shutdown hook
                                }
                            }
                        } catch (java.io.IOException e) {
                            // the server is gone: not acknowledged, so the gateway would retry
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : sends) {
                f.get();
            }
            pushers.shutdown();
            assertThat(server.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged.size()).as("killed part-way").isBetween(KILL_AFTER_SUCCESSES / 2, CODES - 1);

        // restarted on the same data directory
        try (ChildServer again = ChildServer.start(dir, env)) {
            Map<String, List<Long>> stored = storedByCode();
            assertThat(stored).as("the restarted server uses the same inbox").isNotEmpty();
            acknowledged.forEach((code, message) -> {
                List<Long> ids = stored.get("DO-" + code);
                assertThat(ids).as("DO-%s was answered success", code).isNotNull().hasSize(1);
                assertThat(message).isEqualTo("stored as inbox entry " + ids.get(0));
            });

            // the gateway retries everything: the stored calls are not stored again, the others now are
            GatewayClient gateway = new GatewayClient(again.serviceUrl());
            ExecutorService pushers = Executors.newFixedThreadPool(16);
            List<Future<GatewayResponse>> answers = new ArrayList<>();
            for (int code = 0; code < CODES; code++) {
                int c = code;
                answers.add(pushers.submit(() -> gateway.send(push(c))));
                answers.add(pushers.submit(() -> gateway.send(push(c))));
            }
            for (Future<GatewayResponse> f : answers) {
                assertThat(f.get().isSuccess()).as(f.get().text()).isTrue();
            }
            pushers.shutdown();
            Map<String, List<Long>> after = storedByCode();
            assertThat(after).hasSize(CODES);
            assertThat(after.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
            acknowledged.forEach((code, message) ->
                    assertThat(message).isEqualTo("stored as inbox entry " + after.get("DO-" + code).get(0)));
        }
    }

    /** Read with plain JDBC, beside the running server (on SQLite, WAL lets a reader in). */
    private Map<String, List<Long>> storedByCode() throws Exception {
        Map<String, List<Long>> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT business_key, id FROM qimen_inbox");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
            }
        }
        return out;
    }
}
