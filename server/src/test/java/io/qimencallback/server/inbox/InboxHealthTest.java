package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox tells the truth when its storage goes wrong under a running server: a full disk, inbox files deleted or
 * replaced. {@code success} exactly when the call is committed in the file at the configured path,
 * {@code system-error} otherwise; {@code /health/ready} is 503 while appends fail and 200 again once they succeed,
 * without a restart; {@code qimen_inbox_healthy} says the same.
 */
class InboxHealthTest {
    @TempDir
    Path dir;
    private TestServer server;
    private Path mounted;
    private final AtomicInteger code = new AtomicInteger();
    /** Business key → the answer its only call got. */
    private final Map<String, GatewayResponse> answers = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        }
    }

    private TestServer start(Path dataDir) {
        server = TestServer.start(c -> c.dataDir(dataDir));
        return server;
    }

    /** A push with a new business key and a body of {@code padding} bytes more. */
    private GatewayResponse push(int padding) {
        return push("C1", padding);
    }

    private GatewayResponse push(String customerId, int padding) {
        String key = "DO-" + code.incrementAndGet();
        GatewayResponse r = server.send(server.call("taobao.qimen.deliveryorder.create").customerId(customerId)
                .xmlBody("<request><deliveryOrder><deliveryOrderCode>" + key + "</deliveryOrderCode><remark>"
                        + "x".repeat(padding) + "</remark></deliveryOrder></request>"));
        answers.put(key, r);
        return r;
    }

    /** Pushes at once, so that the writer commits them in batches (and retries a failed batch one at a time). */
    private List<GatewayResponse> burst(int calls, int padding) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        try {
            List<Future<GatewayResponse>> sent = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                sent.add(pool.submit(() -> push(padding)));
            }
            List<GatewayResponse> out = new ArrayList<>();
            for (Future<GatewayResponse> f : sent) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    /** {@code success} exactly for the calls stored in the file at the path, with the id the answer names. */
    private void assertAnswersTellTheTruth(Path db) throws Exception {
        assertAnswersTellTheTruth("jdbc:sqlite:" + db);
    }

    private void assertAnswersTellTheTruth(String jdbcUrl) throws Exception {
        Map<String, Long> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement ps = c.prepareStatement("SELECT business_key, id FROM qimen_inbox");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getLong(2));
            }
        }
        answers.forEach((key, r) -> {
            if (r.isSuccess()) {
                assertThat(stored.get(key)).as("%s answered success", key).isEqualTo(idOf(r));
            } else {
                assertThat(r.code()).as(r.text()).isEqualTo("system-error");
                assertThat(stored).as("%s answered system-error", key).doesNotContainKey(key);
            }
        });
    }

    private int ready() {
        return server.admin("/health/ready").statusCode();
    }

    private String healthyGauge() {
        return server.admin("/metrics").body().lines().filter(l -> l.startsWith("qimen_inbox_healthy "))
                .findFirst().orElse("qimen_inbox_healthy (missing)");
    }

    private void awaitReady(int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ready() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ready()).as("/health/ready").isEqualTo(status);
    }

    /** The ids stored in the file at the configured path, read by a new connection (what a restart would see). */
    private List<Long> storedIds(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT id FROM qimen_inbox ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    private static long idOf(GatewayResponse r) {
        assertThat(r.message()).startsWith("stored as inbox entry ");
        return Long.parseLong(r.message().substring("stored as inbox entry ".length()));
    }

    @Test
    void aFullDiskFailsAppendsAndReadinessUntilSpaceReturnsThenBothRecoverWithoutRestart() throws Exception {
        Path data = dir.resolve("tmpfs");
        Files.createDirectories(data);
        try {
            run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", data.toString());
        } catch (IOException e) {
            // no fallback reproduces ENOSPC faithfully (a root process writes through any permission), so say why
            Assertions.fail("this test needs a 3 MiB tmpfs (run as root, as CI does): " + e.getMessage());
        }
        mounted = data;
        System.out.println("InboxHealthTest: the inbox on a 3 MiB tmpfs at " + data);
        start(data);
        assertThat(push(10).isSuccess()).isTrue();
        assertThat(ready()).isEqualTo(200);
        assertThat(healthyGauge()).isEqualTo("qimen_inbox_healthy 1.0");

        Path filler = data.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE_NEW)) {
            byte[] chunk = new byte[16 * 1024];
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            // the disk is full
        }
        GatewayResponse failed = null;
        for (int i = 0; i < 50 && failed == null; i++) {
            GatewayResponse r = push(64 * 1024);
            if (!r.isSuccess()) {
                failed = r;
            }
        }
        assertThat(failed).as("a call fails while the disk is full").isNotNull();
        assertThat(failed.flag()).isEqualTo("failure");
        assertThat(failed.code()).isEqualTo("system-error");
        assertThat(ready()).as("not ready while appends fail").isEqualTo(503);
        assertThat(healthyGauge()).isEqualTo("qimen_inbox_healthy 0.0");
        assertThat(burst(8, 64 * 1024)).as("a batch on a full disk").noneMatch(GatewayResponse::isSuccess);
        assertThat(ready()).isEqualTo(503);

        Files.delete(filler); // space returns
        awaitReady(200); // by the store's own probe: a not-ready server gets no calls to recover with
        assertThat(healthyGauge()).isEqualTo("qimen_inbox_healthy 1.0");
        for (int i = 0; i < 5; i++) {
            GatewayResponse r = push(10);
            assertThat(r.isSuccess()).as(r.text()).isTrue();
            assertThat(storedIds(data.resolve("inbox.db"))).contains(idOf(r));
        }
        assertThat(burst(16, 10)).allMatch(GatewayResponse::isSuccess);
        assertThat(ready()).isEqualTo(200);
        assertAnswersTellTheTruth(data.resolve("inbox.db"));
    }

    @Test
    void inboxFilesDeletedWhileRunningFailAppendsInsteadOfAnsweringSuccessIntoAnUnlinkedFile() throws Exception {
        Path data = dir.resolve("data");
        start(data);
        assertThat(push(10).isSuccess()).isTrue();
        for (String name : List.of("inbox.db", "inbox.db-wal", "inbox.db-shm")) {
            Files.deleteIfExists(data.resolve(name));
        }

        for (int i = 0; i < 3; i++) {
            GatewayResponse r = push(10);
            assertThat(r.isSuccess()).as("answered %s into a deleted file", r.text()).isFalse();
            assertThat(r.code()).isEqualTo("system-error");
        }
        assertThat(ready()).isEqualTo(503);
        assertThat(healthyGauge()).isEqualTo("qimen_inbox_healthy 0.0");
        Thread.sleep(1500); // the probe runs meanwhile: it must not make a new, empty inbox the server would trust
        assertThat(ready()).isEqualTo(503);
        assertThat(push(10).isSuccess()).isFalse();
    }

    @Test
    void aReplacedInboxFileFailsAppendsAndTheOpenedFileMovedBackRecovers() throws Exception {
        Path data = dir.resolve("data");
        start(data);
        Path db = data.resolve("inbox.db");
        assertThat(push(10).isSuccess()).isTrue();
        Path aside = data.resolve("inbox.db.aside");
        Files.move(db, aside);
        Path copy = dir.resolve("copy.db");
        Files.copy(aside, copy);
        Files.move(copy, db); // a valid SQLite file, but not the one the server opened

        GatewayResponse r = push(10);
        assertThat(r.isSuccess()).as("answered %s into the file that was replaced", r.text()).isFalse();
        assertThat(r.code()).isEqualTo("system-error");
        assertThat(ready()).isEqualTo(503);

        Files.move(aside, db, StandardCopyOption.REPLACE_EXISTING); // the opened file is back at its path
        awaitReady(200);
        GatewayResponse again = push(10);
        assertThat(again.isSuccess()).as(again.text()).isTrue();
        assertThat(storedIds(db)).contains(idOf(again));
        assertAnswersTellTheTruth(db);
    }

    @Test
    void aCorruptHeaderFailsAppends() throws Exception {
        Path data = dir.resolve("data");
        start(data);
        Path db = data.resolve("inbox.db");
        assertThat(push(10).isSuccess()).isTrue();
        byte[] header;
        try (var ch = java.nio.channels.FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
            ch.read(b, 0);
            header = b.array();
            ch.write(java.nio.ByteBuffer.wrap("garbage garbage!".getBytes()), 0);
        }
        GatewayResponse r = push(10);
        assertThat(r.isSuccess()).as("answered %s into a corrupt file", r.text()).isFalse();
        assertThat(ready()).isEqualTo(503);

        try (var ch = java.nio.channels.FileChannel.open(db, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(header), 0);
        }
        awaitReady(200);
        assertThat(push(10).isSuccess()).isTrue();
    }

    @Test
    void onPostgresqlACommitThatFailsLeavesNoConnectionInABadStateAndReadinessRecovers() throws Exception {
        try (Postgres pg = Postgres.freshSchema()) {
            try {
                server = TestServer.start(c -> c.inboxUrl(pg.url()).inboxPoolSize(2));
                assertThat(push(10).isSuccess()).isTrue();
                // a deferred constraint trigger: the insert succeeds, the COMMIT fails — for customer REFUSE only
                try (Connection c = DriverManager.getConnection(pg.url()); Statement st = c.createStatement()) {
                    st.execute("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql"
                            + " AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$");
                    st.execute("CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON qimen_inbox"
                            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.customer_id = 'REFUSE')"
                            + " EXECUTE FUNCTION refuse_at_commit()");
                }

                GatewayResponse refused = push("REFUSE", 10);
                assertThat(refused.code()).as(refused.text()).isEqualTo("system-error");
                assertThat(ready()).as("not ready after a failed commit").isEqualTo(503);
                awaitReady(200); // the probe commits

                for (int i = 0; i < 6; i++) { // every pooled connection, several times over
                    GatewayResponse r = push(10);
                    assertThat(r.isSuccess()).as(r.text()).isTrue();
                }
                // batches with a refused call in them fail at commit, and are retried one call at a time
                ExecutorService pool = Executors.newFixedThreadPool(12);
                List<Future<GatewayResponse>> sent = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    String customer = i % 3 == 0 ? "REFUSE" : "C1";
                    sent.add(pool.submit(() -> push(customer, 10)));
                }
                for (Future<GatewayResponse> f : sent) {
                    f.get();
                }
                pool.shutdown();
                assertThat(push(10).isSuccess()).isTrue();
                assertThat(ready()).isEqualTo(200);
                assertAnswersTellTheTruth(pg.url());
                assertThat(answers.values().stream().filter(GatewayResponse::isSuccess).count()).isEqualTo(16);
            } finally {
                server.close();
                server = null;
            }
        }
    }
}
