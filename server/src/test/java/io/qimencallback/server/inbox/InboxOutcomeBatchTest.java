package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.testing.EventLoopGuard;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Delivery outcomes are group-committed ({@link OutcomeCommit}): outcomes that wait while a commit runs are recorded
 * together in the next one, each still guarded by its claim; and only inbox delivery threads wait for that commit.
 */
class InboxOutcomeBatchTest {
    private static final int OUTCOMES = 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void outcomesWaitingForACommitAreRecordedInOneTransaction(String kind) throws Exception {
        Postgres pg = kind.equals("postgresql") ? Postgres.freshSchema() : null;
        Path data = dir.resolve("data");
        ServerConfig config = pg == null ? ServerConfig.builder().dataDir(data).build()
                : ServerConfig.builder().inboxUrl(pg.url()).build();
        try (InboxStore st = InboxStore.open(config.inbox())) {
            for (int i = 0; i <= OUTCOMES; i++) {
                st.append(entry("K" + i));
            }
            Instant now = Instant.now();
            List<InboxEntry> claimed = st.claim(List.of("target:t1"), List.of(), OUTCOMES + 1, now,
                    Duration.ofMinutes(1), "a#");
            assertThat(claimed).hasSize(OUTCOMES + 1);
            long before = st.outcomeCommits();
            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            // another writer holds the database: the first outcome's commit waits for it, the others queue meanwhile
            try (Connection locker = lock(pg == null ? "jdbc:sqlite:" + data.resolve("inbox.db") : pg.url(), pg == null)) {
                for (InboxEntry e : claimed) {
                    results.add(st.recordBatchedAsync(Outcome.done(e.id(), InboxStore.claimToken("a#", e.id()),
                            "queue q", now)));
                }
                // a claim that is not the entry's: refused, without failing the batch it is in
                results.add(st.recordBatchedAsync(Outcome.failed(claimed.get(0).id(), "b#" + claimed.get(0).id(),
                        "late", now, false, now)));
                assertThat(results).noneMatch(CompletableFuture::isDone);
                locker.rollback();
            }
            List<Boolean> applied = new ArrayList<>();
            for (CompletableFuture<Boolean> r : results) {
                applied.add(r.get(30, TimeUnit.SECONDS));
            }
            assertThat(applied.subList(0, OUTCOMES + 1)).containsOnly(true);
            assertThat(applied.get(OUTCOMES + 1)).isFalse();
            // the first outcome alone (taken before the others came), then the 21 that waited: one commit
            assertThat(st.outcomeCommits() - before).as("commits for %s outcomes", results.size()).isBetween(1L, 2L);
            for (InboxEntry e : claimed) {
                InboxEntry now2 = st.get(e.id()).orElseThrow();
                assertThat(now2.status()).isEqualTo(InboxStatus.DONE);
                assertThat(now2.deliveredTo()).isEqualTo("queue q");
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** A connection holding the database's write lock (SQLite) or the inbox table's (PostgreSQL) until rolled back. */
    static Connection lock(String url, boolean sqlite) throws Exception {
        Connection c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // SQLite: a write takes the one write lock; PostgreSQL: a lock every UPDATE of the table waits for
            s.execute(sqlite ? "INSERT INTO qimen_inbox_probe (id, probed_at) VALUES (1, 0)"
                    + " ON CONFLICT (id) DO UPDATE SET probed_at = 0" : "LOCK TABLE qimen_inbox IN EXCLUSIVE MODE");
        }
        return c;
    }

    @Test
    void aDeliveryWaitsForItsCommitOnAnInboxDeliveryThreadNeverOnAnEventLoop() throws Exception {
        List<String> deliveringThreads = new CopyOnWriteArrayList<>();
        InboxHandler handler = new InboxHandler() {
            @Override
            public Set<String> methods() {
                return Set.of("taobao.qimen.entryorder.create");
            }

            @Override
            public void deliver(InboxDelivery delivery) {
                // the thread that runs a delivery is the one that then waits for its outcome's commit
                deliveringThreads.add(Thread.currentThread().getName());
            }
        };
        List<String> before = EventLoopGuard.violations();
        try (TestServer server = TestServer.start(c -> c, HandlerRegistry.builder().add(handler).build())) {
            InboxStore st = server.server().inbox().orElseThrow().store();
            for (int i = 0; i < 10; i++) {
                assertThat(server.send(server.call("entryorder.create").customerId("C1").xmlBody(
                        "<request><entryOrder><entryOrderCode>EO-" + i + "</entryOrderCode></entryOrder></request>"))
                        .isSuccess()).isTrue();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (st.counts().get(InboxStatus.DONE) < 10) {
                assertThat(System.nanoTime()).as("delivered: %s", st.counts()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        assertThat(deliveringThreads).hasSize(10).allMatch(n -> n.startsWith("qimen-inbox-delivery-"));
        assertThat(EventLoopGuard.violations()).as("blocking calls on an event loop")
                .filteredOn(v -> !before.contains(v)).isEmpty();
    }

    /** The guard the test above relies on: waiting for an outcome's commit on an event-loop thread is caught. */
    @Test
    void waitingForAnOutcomeOnAnEventLoopWouldBeCaught() throws Exception {
        Path data = dir.resolve("data");
        try (InboxStore st = InboxStore.open(ServerConfig.builder().dataDir(data).build().inbox())) {
            long id = st.append(entry("K")).id();
            st.claim(List.of("target:t1"), List.of(), 1, Instant.now(), Duration.ofMinutes(1), "a#");
            List<String> before = EventLoopGuard.violations();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            try (Connection locker = lock("jdbc:sqlite:" + data.resolve("inbox.db"), true)) {
                Thread loop = new Thread(() -> {
                    try {
                        st.recordBatched(Outcome.done(id, InboxStore.claimToken("a#", id), "queue q", Instant.now()));
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                }, "qimen-io-outcome-test");
                loop.start();
                loop.join(30_000);
                locker.rollback();
            }
            assertThatThrownBy(() -> { throw thrown.get(); }).isInstanceOf(Error.class); // BlockingOperationError
            List<String> provoked = EventLoopGuard.violations().stream().filter(v -> !before.contains(v)).toList();
            assertThat(provoked).singleElement().asString().contains("qimen-io-outcome-test");
            EventLoopGuard.forget(provoked);
        }
    }

    private static NewEntry entry(String key) {
        String body = "<a>" + key + "</a>";
        return new NewEntry(Instant.now(), "taobao.qimen.entryorder.create", "entryorder.create", "app1", "C1", "xml",
                Map.of("method", "taobao.qimen.entryorder.create"), "text/xml", body.getBytes(StandardCharsets.UTF_8),
                "127.0.0.1", key, "sha256:" + body.hashCode(), "target:t1", "call-" + key);
    }
}
