package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbox on a real PostgreSQL, shared by two servers. */
class PostgresInboxTest {
    private Postgres pg;

    @BeforeEach
    void schema() {
        pg = Postgres.freshSchema();
    }

    @AfterEach
    void drop() {
        if (pg != null) {
            pg.close();
        }
    }

    /** Counts deliveries per entry across servers; each server has its own instance, as it would in production. */
    static final class Counting implements InboxHandler {
        static final Map<Long, AtomicInteger> byEntry = new ConcurrentHashMap<>();
        final AtomicInteger mine = new AtomicInteger();

        @Override
        public Set<String> methods() {
            return Set.of("entryorder.create");
        }

        @Override
        public void deliver(InboxDelivery d) throws InterruptedException {
            byEntry.computeIfAbsent(d.entryId(), k -> new AtomicInteger()).incrementAndGet();
            mine.incrementAndGet();
            Thread.sleep(2); // an ERP call takes time: deliveries of both servers overlap
        }
    }

    private static String entryOrder(int i) {
        return "<request><entryOrder><entryOrderCode>EO-" + i + "</entryOrderCode></entryOrder></request>";
    }

    @Test
    void storesWholeAndDeduplicates() throws Exception {
        try (TestServer s = TestServer.start(c -> c.inboxUrl(pg.url()))) {
            String body = entryOrder(1);
            GatewayResponse first = s.send(s.call("entryorder.create").customerId("C").xmlBody(body));
            GatewayResponse again = s.send(s.call("entryorder.create").customerId("C").xmlBody(body));

            assertThat(first.isSuccess()).as(first.text()).isTrue();
            assertThat(again.message()).isEqualTo(first.message());
            InboxStore store = s.server().inbox().orElseThrow().store();
            assertThat(store.dialect()).isEqualTo(InboxStore.Dialect.POSTGRESQL);
            List<InboxEntry> entries = store.list(InboxQuery.all());
            assertThat(entries).hasSize(1);
            entries = List.of(store.get(entries.get(0).id()).orElseThrow()); // a list leaves bodies out
            assertThat(entries.get(0).body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
            assertThat(entries.get(0).businessKey()).isEqualTo("EO-1");
            assertThat(entries.get(0).params()).doesNotContainKey("sign").containsEntry("customerId", "C");
        }
    }

    @Test
    void twoServersSharingOneInboxDeliverEachEntryExactlyOnce() throws Exception {
        Counting.byEntry.clear();
        Counting a = new Counting();
        Counting b = new Counting();
        int calls = 200;
        try (TestServer one = TestServer.start(c -> c.inboxUrl(pg.url()), HandlerRegistry.builder().add(a).build());
             TestServer two = TestServer.start(c -> c.inboxUrl(pg.url()), HandlerRegistry.builder().add(b).build())) {
            ExecutorService pushers = Executors.newFixedThreadPool(8);
            List<Future<GatewayResponse>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                TestServer target = i % 2 == 0 ? one : two;
                String body = entryOrder(i);
                answers.add(pushers.submit(() -> target.send(target.call("entryorder.create").xmlBody(body))));
            }
            for (Future<GatewayResponse> f : answers) {
                assertThat(f.get().isSuccess()).as(f.get().text()).isTrue();
            }
            pushers.shutdown();

            InboxStore store = one.server().inbox().orElseThrow().store();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.counts().get(InboxStatus.DONE) < calls) {
                assertThat(System.nanoTime()).as("all entries done within 30 s: %s", store.counts()).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(Counting.byEntry).hasSize(calls);
            assertThat(Counting.byEntry.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(a.mine.get() + b.mine.get()).isEqualTo(calls);
            assertThat(a.mine.get()).as("server one delivered some").isPositive();
            assertThat(b.mine.get()).as("server two delivered some").isPositive();
        }
    }

    @Test
    void redeliveriesRacingOnBothServersMakeOneEntry() throws Exception {
        try (TestServer one = TestServer.start(c -> c.inboxUrl(pg.url()));
             TestServer two = TestServer.start(c -> c.inboxUrl(pg.url()))) {
            ExecutorService pushers = Executors.newFixedThreadPool(16);
            List<Future<GatewayResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                TestServer target = i % 2 == 0 ? one : two;
                answers.add(pushers.submit(() -> target.send(target.call("entryorder.create").xmlBody(entryOrder(7)))));
            }
            String message = answers.get(0).get().message();
            for (Future<GatewayResponse> f : answers) {
                assertThat(f.get().isSuccess()).isTrue();
                assertThat(f.get().message()).isEqualTo(message);
            }
            pushers.shutdown();
            assertThat(one.server().inbox().orElseThrow().store().list(InboxQuery.all())).hasSize(1);
            assertThat(one.admin("/metrics").body() + two.admin("/metrics").body()).contains("qimen_inbox_duplicates_total");
        }
    }

    @Test
    void anUnreachableDatabaseStopsTheStartWithoutShowingThePassword() {
        assertThatThrownBy(() -> TestServer.start(c -> c.inboxUrl("jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=hunter2")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot open the inbox (PostgreSQL jdbc:postgresql://127.0.0.1:1/test)")
                .hasMessageNotContaining("hunter2");
    }
}
