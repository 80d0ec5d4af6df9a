package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's own rules, on both databases: claims, leases, keys, storable errors, retention. */
class InboxStoreTest {
    @TempDir
    static Path dir;

    interface Opened extends AutoCloseable {
        InboxStore store();

        @Override
        void close();
    }

    static Stream<String> stores() {
        return Stream.of("sqlite", "postgresql");
    }

    private static Opened open(String kind) {
        if (kind.equals("sqlite")) {
            InboxStore s = InboxStore.open(ServerConfig.builder().dataDir(dir.resolve("s" + System.nanoTime())).build().inbox());
            return new Opened() {
                public InboxStore store() {
                    return s;
                }

                public void close() {
                    s.close();
                }
            };
        }
        Postgres pg = Postgres.freshSchema();
        InboxStore s = InboxStore.open(ServerConfig.builder().inboxUrl(pg.url()).build().inbox());
        return new Opened() {
            public InboxStore store() {
                return s;
            }

            public void close() {
                s.close();
                pg.close();
            }
        };
    }

    private static NewEntry entry(String app, String key, String body) {
        return entry("entryorder.create", app, key, body, "target:t1");
    }

    private static NewEntry entry(String method, String app, String key, String body, String consumer) {
        return new NewEntry(Instant.now(), "taobao.qimen." + method, method, app, "C1", "xml",
                Map.of("method", "taobao.qimen." + method), "text/xml", body.getBytes(StandardCharsets.UTF_8),
                "127.0.0.1", key, "sha256:" + body.hashCode(), consumer, "call-" + key);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void entriesAreClaimedByTheirConsumerAndInboxHandlerEntriesByMethod(String kind) throws Exception {
        try (Opened o = open(kind)) {
            InboxStore st = o.store();
            long t1 = st.append(entry("entryorder.create", "app1", "A", "<a/>", "target:t1")).id();
            long t2 = st.append(entry("entryorder.create", "app1", "B", "<b/>", "target:t2")).id();
            long h = st.append(entry("stockout.confirm", "app1", "C", "<c/>", InboxConsumer.HANDLER)).id();
            long other = st.append(entry("order.cancel", "app1", "D", "<d/>", InboxConsumer.HANDLER)).id();
            long api = st.append(entry("returnorder.create", "app1", "E", "<e/>", InboxConsumer.API)).id();
            Instant now = Instant.now();
            Duration lease = Duration.ofMinutes(1);

            assertThat(st.claim(List.of("target:t2"), List.of(), 10, now, lease, "x#"))
                    .extracting(InboxEntry::id).containsExactly(t2);
            assertThat(st.claim(List.of("target:t1"), List.of("stockout.confirm"), 10, now, lease, "y#"))
                    .extracting(InboxEntry::id).containsExactly(t1, h);
            assertThat(st.claim(List.of("target:t3"), List.of("entryorder.create"), 10, now, lease, "z#"))
                    .as("a handler entry of another method, the API's, a target's").isEmpty();
            assertThat(st.claim(List.of(), List.of(), 10, now, lease, "w#")).isEmpty();

            assertThat(st.get(other).orElseThrow().consumer()).isEqualTo(InboxConsumer.HANDLER);
            assertThat(st.get(api).orElseThrow().consumer()).isEqualTo(InboxConsumer.API);
            assertThat(st.list(new InboxQuery(null, null, "target:t1", null, 0, 10))).extracting(InboxEntry::id)
                    .containsExactly(t1);
            assertThat(st.pendingByConsumer()).extracting(InboxStore.PendingCount::consumer)
                    .containsExactlyInAnyOrder("target:t1", "target:t2", InboxConsumer.HANDLER, InboxConsumer.HANDLER);
            assertThat(st.unassignedMethods()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void keysAreScopedByAppAndADifferentContentIsReported(String kind) throws Exception {
        try (Opened o = open(kind)) {
            Appended first = o.store().append(entry("app1", "EO-1", "<a/>"));
            Appended again = o.store().append(entry("app1", "EO-1", "<a/>"));
            Appended changed = o.store().append(entry("app1", "EO-1", "<b/>"));
            Appended otherApp = o.store().append(entry("app2", "EO-1", "<a/>"));

            assertThat(again.id()).isEqualTo(first.id());
            assertThat(again.duplicate()).isTrue();
            assertThat(again.sameContent()).isTrue();
            assertThat(changed.id()).isEqualTo(first.id());
            assertThat(changed.sameContent()).isFalse();
            assertThat(otherApp.duplicate()).isFalse();
            assertThat(o.store().list(InboxQuery.all())).hasSize(2);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aClaimWhoseLeaseRanOutCannotDecideForTheClaimThatTookItOver(String kind) throws Exception {
        try (Opened o = open(kind)) {
            long id = o.store().append(entry("app1", "EO-2", "<a/>")).id();
            Instant t0 = Instant.now();
            List<InboxEntry> first = o.store().claim(List.of("target:t1"), List.of(), 5, t0, Duration.ofSeconds(1), "a/1#");
            assertThat(first).extracting(InboxEntry::id).containsExactly(id);
            assertThat(o.store().claim(List.of("target:t1"), List.of(), 5, t0, Duration.ofSeconds(1), "b/1#"))
                    .as("leased").isEmpty();

            List<InboxEntry> second = o.store().claim(List.of("target:t1"), List.of(), 5, t0.plusSeconds(2),
                    Duration.ofSeconds(60), "b/2#");
            assertThat(second).extracting(InboxEntry::attempts).containsExactly(2);

            assertThat(o.store().fail(id, InboxStore.claimToken("a/1#", id), "late", t0, false, t0)).isFalse();
            assertThat(o.store().complete(id, InboxStore.claimToken("a/1#", id), "HTTP 200", t0)).isFalse();
            assertThat(o.store().unavailable(id, InboxStore.claimToken("a/1#", id), "down", t0, t0)).isFalse();
            assertThat(o.store().get(id).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSING);
            assertThat(o.store().complete(id, InboxStore.claimToken("b/2#", id), "HTTP 200", t0)).isTrue();
            assertThat(o.store().get(id).orElseThrow().status()).isEqualTo(InboxStatus.DONE);
            assertThat(o.store().get(id).orElseThrow().deliveredTo()).isEqualTo("HTTP 200");
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void anEntryKeepsItsCallIdAndWhereItWentAndAnUnavailableConsumerCostsNoAttempt(String kind) throws Exception {
        try (Opened o = open(kind)) {
            long id = o.store().append(entry("app1", "EO-6", "<a/>")).id();
            assertThat(o.store().get(id).orElseThrow().callId()).isEqualTo("call-EO-6");
            assertThat(o.store().list(InboxQuery.all()).get(0).callId()).as("in a list too").isEqualTo("call-EO-6");
            Instant t0 = Instant.now();
            Duration lease = Duration.ofMinutes(1);

            // could not reach it: the attempt the claim counted is given back, the entry is due later
            assertThat(o.store().claim(List.of("target:t1"), List.of(), 1, t0, lease, "a/1#"))
                    .extracting(InboxEntry::attempts).containsExactly(1);
            assertThat(o.store().unavailable(id, InboxStore.claimToken("a/1#", id), "connection refused",
                    t0.plusSeconds(5), t0)).isTrue();
            InboxEntry waiting = o.store().get(id).orElseThrow();
            assertThat(waiting.status()).isEqualTo(InboxStatus.FAILED);
            assertThat(waiting.attempts()).isZero();
            assertThat(waiting.lastError()).isEqualTo("connection refused");
            assertThat(waiting.nextAttemptAt().toEpochMilli()).isEqualTo(t0.plusSeconds(5).toEpochMilli());
            assertThat(o.store().claim(List.of("target:t1"), List.of(), 1, t0, lease, "b/1#")).as("not due yet").isEmpty();

            List<InboxEntry> again = o.store().claim(List.of("target:t1"), List.of(), 1, t0.plusSeconds(5), lease, "c/1#");
            assertThat(again).extracting(InboxEntry::attempts).containsExactly(1);
            assertThat(o.store().complete(id, InboxStore.claimToken("c/1#", id), "topic t partition 0 offset 7",
                    t0.plusSeconds(6))).isTrue();
            InboxEntry done = o.store().get(id).orElseThrow();
            assertThat(done.deliveredTo()).isEqualTo("topic t partition 0 offset 7");
            assertThat(done.lastError()).isNull();
            assertThat(done.deliveryCallId()).isEqualTo("call-EO-6");
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void deadEntriesAreRetriedInOneStepForOneConsumerOrAll(String kind) throws Exception {
        try (Opened o = open(kind)) {
            InboxStore st = o.store();
            long t1a = st.append(entry("entryorder.create", "app1", "A", "<a/>", "target:t1")).id();
            long t1b = st.append(entry("entryorder.create", "app1", "B", "<b/>", "target:t1")).id();
            long t2 = st.append(entry("entryorder.create", "app1", "C", "<c/>", "target:t2")).id();
            long failed = st.append(entry("entryorder.create", "app1", "D", "<d/>", "target:t1")).id();
            Instant t0 = Instant.now();
            st.claim(List.of("target:t1", "target:t2"), List.of(), 10, t0, Duration.ofMinutes(1), "a#");
            for (long id : List.of(t1a, t1b, t2)) {
                assertThat(st.fail(id, InboxStore.claimToken("a#", id), "refused", t0, true, t0)).isTrue();
            }
            assertThat(st.fail(failed, InboxStore.claimToken("a#", failed), "refused", t0.plusSeconds(60), false, t0))
                    .isTrue();

            assertThat(ManualChange.retryDead(st, "target:t1", t0)).isEqualTo(2);
            assertThat(List.of(t1a, t1b)).allSatisfy(id -> {
                InboxEntry e = st.get(id).orElseThrow();
                assertThat(e.status()).isEqualTo(InboxStatus.NEW);
                assertThat(e.attempts()).isZero();
            });
            assertThat(st.get(t2).orElseThrow().status()).isEqualTo(InboxStatus.DEAD);
            assertThat(st.get(failed).orElseThrow().status()).as("only dead ones").isEqualTo(InboxStatus.FAILED);
            assertThat(ManualChange.retryDead(st, "target:t9", t0)).isZero();
            assertThat(ManualChange.retryDead(st, null, t0)).isEqualTo(1);
            assertThat(st.get(t2).orElseThrow().status()).isEqualTo(InboxStatus.NEW);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void anErrorWithControlCharactersIsStored(String kind) throws Exception {
        try (Opened o = open(kind)) {
            long id = o.store().append(entry("app1", "EO-3", "<a/>")).id();
            o.store().claim(List.of("target:t1"), List.of(), 1, Instant.now(), Duration.ofMinutes(1), "a/1#");

            assertThat(o.store().fail(id, InboxStore.claimToken("a/1#", id), "ERP said \u0000no\u0007\nsee log",
                    Instant.now(), true, Instant.now())).isTrue();
            assertThat(o.store().get(id).orElseThrow().lastError()).isEqualTo("ERP said ?no?\nsee log");
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void retentionPurgesOnlyFinishedEntries(String kind) throws Exception {
        try (Opened o = open(kind)) {
            long done = o.store().append(entry("app1", "EO-4", "<a/>")).id();
            long pending = o.store().append(entry("app1", "EO-5", "<a/>")).id();
            assertThat(o.store().acknowledge(done, Instant.now())).isEqualTo(InboxStore.Change.CHANGED);

            assertThat(o.store().purge(Instant.now().plusSeconds(60))).isEqualTo(1);
            assertThat(o.store().get(done)).isEmpty();
            assertThat(o.store().get(pending)).isPresent();
            assertThat(o.store().list(InboxQuery.all()).get(0).body()).as("lists leave bodies out").isEmpty();
            assertThat(o.store().get(pending).orElseThrow().body()).isEqualTo("<a/>".getBytes(StandardCharsets.UTF_8));
        }
    }
}
