package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.ChildServer;
import io.qimencallback.server.testing.FileTarget;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server killed after its target returned but before the outcome's batch was committed (another writer holds the
 * database meanwhile): those entries are still being delivered in the store, and after the restart they are
 * delivered again — at least once, never lost. On PostgreSQL they come back when their lease (a minute) runs out.
 */
class InboxOutcomeRestartTest {
    private static final int CALLS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDeliveryWhoseOutcomeWasNotCommittedIsDeliveredAgain(String store) throws Exception {
        Postgres pg = store.equals("postgresql") ? Postgres.freshSchema() : null;
        try {
            run(pg);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private void run(Postgres pg) throws Exception {
        Path log = dir.resolve("t1.log");
        Path hold = dir.resolve("hold");
        Files.writeString(hold, "deliveries wait while this exists");
        Path config = dir.resolve("qimen.yml");
        Files.writeString(config, "routes:\n  - \"deliveryorder.*\": inbox t1\ntargets:\n  t1: {type: test-file, file: \""
                + log + "\", hold_while: \"" + hold + "\"}\n");
        Map<String, String> env = new HashMap<>(Map.of("QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET,
                "QIMEN_TEST_CONFIG", config.toString()));
        if (pg != null) {
            env.put("QIMEN_INBOX_URL", pg.url());
        }
        String url = pg != null ? pg.url() : "jdbc:sqlite:" + dir.resolve("data").resolve("inbox.db");
        Set<Long> acknowledged = new TreeSet<>();
        Set<Long> delivered = new TreeSet<>();
        try (ChildServer server = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            GatewayClient gateway = new GatewayClient(server.serviceUrl());
            for (int i = 0; i < CALLS; i++) {
                GatewayResponse r = gateway.send(GatewayRequest.builder("taobao.qimen.deliveryorder.create")
                        .appKey(TestServer.APP_KEY).secret(TestServer.SECRET).customerId("C1")
                        .xmlBody("<request><deliveryOrder><deliveryOrderCode>DO-" + i + "</deliveryOrderCode>"
                                + "</deliveryOrder></request>").build());
                assertThat(r.isSuccess()).as(r.text()).isTrue();
                acknowledged.add(Long.parseLong(r.message().replace("stored as inbox entry ", "")));
            }
            await(() -> FileTarget.lines(log, "begin").size() >= 2, server);
            try (Connection locker = DriverManager.getConnection(url)) {
                locker.setAutoCommit(false);
                try (Statement s = locker.createStatement()) {
                    // SQLite: the one write lock; PostgreSQL: a lock every UPDATE of the inbox waits for
                    s.execute(pg == null ? "INSERT INTO qimen_inbox_probe (id, probed_at) VALUES (1, 0)"
                            + " ON CONFLICT (id) DO UPDATE SET probed_at = 0" : "LOCK TABLE qimen_inbox IN EXCLUSIVE MODE");
                }
                // no claim can commit now: what has begun is all that is delivered before the kill
                Files.delete(hold);
                await(() -> FileTarget.lines(log, "done").size() == FileTarget.lines(log, "begin").size(), server);
                server.process().destroyForcibly(); // SIGKILL: delivered, outcomes waiting for their commit
                assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
                locker.rollback();
            }
        }
        FileTarget.lines(log, "done").forEach(w -> delivered.add(Long.parseLong(w[1])));
        assertThat(delivered).isNotEmpty();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT status FROM qimen_inbox WHERE id = ?")) {
            for (long id : delivered) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("entry %s: delivered, its outcome never committed", id)
                            .isEqualTo("processing");
                }
            }
        }

        try (ChildServer again = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(pg == null ? 30 : 120).toNanos();
            while (!FileTarget.doneCounts(log).keySet().containsAll(acknowledged)
                    || !FileTarget.doneCounts(log).entrySet().stream()
                    .allMatch(e -> e.getValue() == (delivered.contains(e.getKey()) ? 2 : 1))) {
                assertThat(System.nanoTime()).as("delivered %s of %s, %s before the kill\n%s",
                        FileTarget.doneCounts(log), acknowledged, delivered, again.log()).isLessThan(deadline);
                Thread.sleep(100);
            }
            Map<Long, Integer> done = FileTarget.doneCounts(log);
            assertThat(done.keySet()).as("the ids acknowledged, no other").isEqualTo(acknowledged);
            // the ones whose outcome the kill lost were delivered again, as attempt 2; the others once
            for (String[] w : FileTarget.lines(log, "done")) {
                long id = Long.parseLong(w[1]);
                assertThat(done.get(id)).as("deliveries of entry %s", id).isEqualTo(delivered.contains(id) ? 2 : 1);
            }
            for (long id : delivered) {
                assertThat(FileTarget.lines(log, "done").stream().filter(w -> Long.parseLong(w[1]) == id)
                        .map(w -> w[2])).as("attempts of entry %s", id).containsExactly("1", "2");
            }
            long stopAt = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (countDone(url) < CALLS) {
                assertThat(System.nanoTime()).as("all done in the store\n%s", again.log()).isLessThan(stopAt);
                Thread.sleep(100);
            }
        }
    }

    private static long countDone(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM qimen_inbox WHERE status = 'done'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition c, ChildServer server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.holds()) {
            assertThat(System.nanoTime()).as(server.log()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
