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
 * A server killed with SIGKILL while its target is in the middle of deliveries, or after they returned but before their
 * outcomes were committed: after the restart every entry it
 * acknowledged reaches the target, under the id it was acknowledged with (at least once: the interrupted ones again).
 * On PostgreSQL the interrupted deliveries come back when their lease (one minute at least) runs out.
 */
class InboxTargetRestartTest {
    private static final int CALLS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void nothingIsLostWhenTheServerDiesDuringADelivery(String store) throws Exception {
        Postgres pg = store.equals("postgresql") ? Postgres.freshSchema() : null;
        try {
            run(pg);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** The child server's environment: route to the held file target t1, the store. */
    private Map<String, String> environment(Postgres pg, Path log, Path hold) throws Exception {
        Files.writeString(hold, "deliveries wait while this exists");
        Path config = dir.resolve("qimen.yml");
        Files.writeString(config, "routes:\n  - \"deliveryorder.*\": inbox t1\ntargets:\n  t1: {type: test-file, file: \""
                + log + "\", hold_while: \"" + hold + "\"}\n");
        Map<String, String> env = new HashMap<>(Map.of("QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET,
                "QIMEN_TEST_CONFIG", config.toString()));
        if (pg != null) {
            env.put("QIMEN_INBOX_URL", pg.url());
        }
        return env;
    }

    /** Sends the calls; the entry ids they were acknowledged with. */
    private static Set<Long> send(ChildServer server) throws Exception {
        Set<Long> acknowledged = new TreeSet<>();
        GatewayClient gateway = new GatewayClient(server.serviceUrl());
        for (int i = 0; i < CALLS; i++) {
            GatewayResponse r = gateway.send(GatewayRequest.builder("taobao.qimen.deliveryorder.create")
                    .appKey(TestServer.APP_KEY).secret(TestServer.SECRET).customerId("C1")
                    .xmlBody("<request><deliveryOrder><deliveryOrderCode>DO-" + i + "</deliveryOrderCode>"
                            + "</deliveryOrder></request>").build());
            assertThat(r.isSuccess()).as(r.text()).isTrue();
            acknowledged.add(Long.parseLong(r.message().replace("stored as inbox entry ", "")));
        }
        return acknowledged;
    }

    private void run(Postgres pg) throws Exception {
        Path log = dir.resolve("t1.log");
        Path hold = dir.resolve("hold");
        Map<String, String> env = environment(pg, log, hold);
        Set<Long> acknowledged;
        try (ChildServer server = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            acknowledged = send(server);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (FileTarget.lines(log, "begin").size() < 2) {
                assertThat(System.nanoTime()).as(server.log()).isLessThan(deadline);
                Thread.sleep(20);
            }
            server.process().destroyForcibly(); // SIGKILL: mid-delivery, nothing confirmed
            assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(FileTarget.lines(log, "done")).as("held: nothing delivered before the kill").isEmpty();
        Set<Long> interrupted = new TreeSet<>();
        FileTarget.lines(log, "begin").forEach(w -> interrupted.add(Long.parseLong(w[1])));
        Files.delete(hold);

        try (ChildServer again = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(pg == null ? 20 : 100).toNanos();
            while (!FileTarget.doneCounts(log).keySet().containsAll(acknowledged)) {
                assertThat(System.nanoTime()).as("delivered %s of %s\n%s", FileTarget.doneCounts(log), acknowledged,
                        again.log()).isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(500);
            Map<Long, Integer> done = FileTarget.doneCounts(log);
            assertThat(done.keySet()).as("the ids acknowledged, no other").isEqualTo(acknowledged);
            assertThat(done.values()).as("confirmed once each").allSatisfy(n -> assertThat(n).isEqualTo(1));
            // the interrupted ones were delivered again: their second attempt is the one that returned
            for (String[] w : FileTarget.lines(log, "done")) {
                long id = Long.parseLong(w[1]);
                assertThat(Integer.parseInt(w[2])).as("attempt of entry %s", id)
                        .isEqualTo(interrupted.contains(id) ? 2 : 1);
            }
        }
    }

    /**
     * A server killed after its target returned but before the outcome's batch was committed (another writer holds the
     * database meanwhile): those entries are still being delivered in the store, and after the restart they are
     * delivered again — at least once, never lost. On PostgreSQL they come back when their lease (a minute) runs out.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDeliveryWhoseOutcomeWasNotCommittedIsDeliveredAgain(String store) throws Exception {
        Postgres pg = store.equals("postgresql") ? Postgres.freshSchema() : null;
        try {
            runUncommitted(pg);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private void runUncommitted(Postgres pg) throws Exception {
        Path log = dir.resolve("t1.log");
        Path hold = dir.resolve("hold");
        Map<String, String> env = environment(pg, log, hold);
        String url = pg != null ? pg.url() : "jdbc:sqlite:" + dir.resolve("data").resolve("inbox.db");
        Set<Long> acknowledged = new TreeSet<>();
        Set<Long> delivered = new TreeSet<>();
        try (ChildServer server = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            acknowledged.addAll(send(server));
            await(() -> FileTarget.lines(log, "begin").size() >= 2, server);
            try (Connection locker = InboxOutcomeBatchTest.lock(url, pg == null)) {
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
