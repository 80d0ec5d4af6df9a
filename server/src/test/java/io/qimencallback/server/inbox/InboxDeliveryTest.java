package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inbox handlers: acknowledged on append, delivered afterwards, retried with backoff, dead letters, manual retry. */
class InboxDeliveryTest {
    private static final String ENTRY_ORDER =
            "<request><entryOrder><entryOrderCode>EO-1</entryOrderCode><ownerCode>OWNER01</ownerCode></entryOrder></request>";

    /** Fails while {@link #failing} is set; remembers every delivery and when it came. */
    static final class Recorder implements InboxHandler {
        final List<InboxDelivery> deliveries = new CopyOnWriteArrayList<>();
        final List<Instant> times = new CopyOnWriteArrayList<>();
        /** What {@code request().remaining()} said as each delivery began. */
        final List<Duration> remaining = new CopyOnWriteArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public Set<String> methods() {
            return Set.of("taobao.qimen.entryorder.create");
        }

        @Override
        public void deliver(InboxDelivery delivery) {
            remaining.add(delivery.request().remaining());
            deliveries.add(delivery);
            times.add(Instant.now());
            if (failing.get()) {
                throw new IllegalStateException("ERP says no to receiver 13912345678");
            }
        }
    }

    private static final Duration HANDLER_TIMEOUT = Duration.ofSeconds(30);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Recorder handler = new Recorder();
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(c -> c.inboxRetryDelay(Duration.ofMillis(200)).inboxMaxAttempts(3)
                        .handlerTimeout(HANDLER_TIMEOUT),
                HandlerRegistry.builder().add(handler).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private InboxStore store() {
        return server.server().inbox().orElseThrow().store();
    }

    private InboxEntry awaitEntry(long id, Predicate<InboxEntry> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        InboxEntry e = store().get(id).orElseThrow();
        while (!condition.test(e)) {
            assertThat(System.nanoTime()).as("entry %s still %s after 15 s", id, e.status()).isLessThan(deadline);
            Thread.sleep(20);
            e = store().get(id).orElseThrow();
        }
        return e;
    }

    private long push() throws Exception {
        GatewayResponse r = server.send(server.call("entryorder.create").customerId("C1").xmlBody(ENTRY_ORDER));
        assertThat(r.isSuccess()).as(r.text()).isTrue();
        return store().list(InboxQuery.all()).get(0).id();
    }

    @Test
    void aStoredCallIsDeliveredOnceAndMarkedDone() throws Exception {
        long id = push();

        InboxEntry e = awaitEntry(id, x -> x.status() == InboxStatus.DONE);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(handler.deliveries).hasSize(1);
        InboxDelivery d = handler.deliveries.get(0);
        assertThat(d.entryId()).isEqualTo(id);
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(d.businessKey()).isEqualTo("EO-1");
        assertThat(d.request().method()).isEqualTo("entryorder.create");
        assertThat(d.request().customerId()).isEqualTo("C1");
        assertThat(d.request().params()).doesNotContainKey("sign");
        assertThat(d.request().bodyTree().at("/entryOrder/ownerCode").asText()).isEqualTo("OWNER01");
        assertThat(d.request().bodyText()).isEqualTo(ENTRY_ORDER);
        // the call's own id, as the console (and the access log) show it
        String callId = JSON.readTree(server.admin("/api/calls").body()).at("/calls/0/id").asText();
        assertThat(callId).isNotEmpty();
        assertThat(d.request().callId()).isEqualTo(callId).isEqualTo(e.callId());
        // due by the end of its delivery timeout, not ten seconds after the call was received
        assertThat(handler.remaining.get(0)).isPositive().isLessThanOrEqualTo(HANDLER_TIMEOUT);
        assertThat(e.deliveredTo()).isEqualTo("inbox handler " + handler.name());
        assertThat(JSON.readTree(server.admin("/api/inbox/" + id).body()).path("deliveredTo").asText())
                .isEqualTo("inbox handler " + handler.name());
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffThenDeadThenRetriedByHand() throws Exception {
        handler.failing.set(true);
        long id = push();

        InboxEntry dead = awaitEntry(id, x -> x.status() == InboxStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("IllegalStateException", "ERP says no");
        assertThat(handler.deliveries).extracting(InboxDelivery::attempt).containsExactly(1, 2, 3);
        // 200 ms after the first failure, 400 ms after the second
        assertThat(Duration.between(handler.times.get(0), handler.times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Duration.between(handler.times.get(1), handler.times.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        String metrics = server.admin("/metrics").body();
        assertThat(metrics).contains("qimen_inbox_retries_total 2.0").contains("qimen_inbox_dead_letters_total 1.0");
        // the admin API masks the phone number the handler's message carried
        assertThat(server.admin("/api/inbox?status=dead").body()).contains("139****5678").doesNotContain("13912345678");
        // and so does the entry as stored, revealed or exported: the one masking rule for a handler's error
        assertThat(dead.lastError()).contains("139****5678").doesNotContain("13912345678");
        assertThat(server.admin("/api/inbox/" + id + "?reveal=true").body()).doesNotContain("13912345678");

        handler.failing.set(false);
        assertThat(server.adminPost("/api/inbox/" + id + "/retry", "{}").statusCode()).isEqualTo(200);
        InboxEntry done = awaitEntry(id, x -> x.status() == InboxStatus.DONE);
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(handler.deliveries).hasSize(4);
        assertThat(handler.deliveries.get(3).attempt()).isEqualTo(1);
    }

    @Test
    void aRedeliveryOfADeliveredCallIsNotDeliveredAgain() throws Exception {
        long id = push();
        awaitEntry(id, x -> x.status() == InboxStatus.DONE);

        GatewayResponse again = server.send(server.call("entryorder.create").customerId("C1").xmlBody(ENTRY_ORDER));

        assertThat(again.message()).isEqualTo("stored as inbox entry " + id);
        assertThat(store().list(InboxQuery.all())).hasSize(1);
        assertThat(handler.deliveries).hasSize(1);
    }
}
