package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.testing.FileTarget;
import io.qimencallback.server.testing.LogCapture;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entries routed {@code inbox <target>}: delivered to that target's {@code deliver} exactly once in the normal case,
 * retried with backoff, dead after the last attempt, retried and replayed by hand, kept pending while their target is
 * gone; the console's API shows who each entry is for. On SQLite and on PostgreSQL.
 */
class InboxTargetDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Postgres pg;
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
        if (pg != null) {
            pg.close();
        }
    }

    /** A server on {@code store}'s inbox (the same one each time in a test) with the test target type. */
    private TestServer start(String store, UnaryOperator<ServerConfig.Builder> config) {
        if (store.equals("postgresql") && pg == null) {
            pg = Postgres.freshSchema();
        }
        TestServer s = TestServer.start(c -> {
            ServerConfig.Builder b = config.apply(c.inboxRetryDelay(Duration.ofMillis(200)));
            return pg != null ? b.inboxUrl(pg.url()) : b.dataDir(dir.resolve("data"));
        }, HandlerRegistry.builder().build(), List.of(), List.of(FileTarget.TYPE));
        servers.add(s);
        return s;
    }

    private static InboxStore store(TestServer s) {
        return s.server().inbox().orElseThrow().store();
    }

    private Map<String, String> target(String file, String... more) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("type", "test-file", "file", dir.resolve(file).toString()));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private static long push(TestServer s, String method, String code) throws Exception {
        String doc = method.startsWith("deliveryorder") ? "deliveryOrder" : "entryOrder";
        GatewayResponse r = s.send(s.call(method).customerId("C1").xmlBody("<request><" + doc + "><" + doc + "Code>"
                + code + "</" + doc + "Code></" + doc + "></request>"));
        assertThat(r.isSuccess()).as(r.text()).isTrue();
        return Long.parseLong(r.message().replace("stored as inbox entry ", ""));
    }

    private static InboxEntry await(TestServer s, long id, Predicate<InboxEntry> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        InboxEntry e = store(s).get(id).orElseThrow();
        while (!condition.test(e)) {
            assertThat(System.nanoTime()).as("entry %s still %s (attempts %s)", id, e.status(), e.attempts())
                    .isLessThan(deadline);
            Thread.sleep(20);
            e = store(s).get(id).orElseThrow();
        }
        return e;
    }

    private int begins(String file) {
        try {
            return FileTarget.lines(dir.resolve(file), "begin").size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode admin(TestServer s, String path) throws Exception {
        HttpResponse<String> r = s.admin(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoTargetsOnTwoGlobsEachGetTheirOwnEntriesExactlyOnce(String store) throws Exception {
        TestServer s = start(store, c -> c.target("t1", target("t1.log")).target("t2", target("t2.log"))
                .route("deliveryorder.*", "inbox t1").route("entryorder.*", "inbox t2"));
        List<Long> toT1 = new ArrayList<>();
        List<Long> toT2 = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            toT1.add(push(s, "deliveryorder.create", "DO-" + i));
            if (i % 2 == 0) {
                toT2.add(push(s, "entryorder.create", "EO-" + i));
            }
        }
        long kept = push(s, "order.cancel", "OC-1"); // inbox_methods, no consumer: kept for the API
        for (long id : toT1) {
            assertThat(await(s, id, e -> e.status() == InboxStatus.DONE).consumer()).isEqualTo("target:t1");
        }
        for (long id : toT2) {
            assertThat(await(s, id, e -> e.status() == InboxStatus.DONE).consumer()).isEqualTo("target:t2");
        }
        Thread.sleep(300); // a second delivery would come now
        assertThat(FileTarget.doneCounts(dir.resolve("t1.log"))).containsOnlyKeys(toT1).allSatisfy((id, n) ->
                assertThat(n).as("entry %s delivered once", id).isEqualTo(1));
        assertThat(FileTarget.doneCounts(dir.resolve("t2.log"))).containsOnlyKeys(toT2).allSatisfy((id, n) ->
                assertThat(n).as("entry %s delivered once", id).isEqualTo(1));
        assertThat(FileTarget.lines(dir.resolve("t1.log"), "done")).allSatisfy(w ->
                assertThat(w[3]).isEqualTo("deliveryorder.create"));
        assertThat(store(s).get(kept).orElseThrow().status()).isEqualTo(InboxStatus.NEW);

        // where each entry went, in the inbox API the console reads
        JsonNode list = admin(s, "/api/inbox?limit=100");
        for (JsonNode e : list.path("entries")) {
            long id = e.path("id").asLong();
            String expected = toT1.contains(id) ? "target:t1" : toT2.contains(id) ? "target:t2" : "";
            assertThat(e.path("consumer").asText()).as("entry %s", id).isEqualTo(expected);
            assertThat(e.has("consumerMissing")).isFalse();
        }
        assertThat(admin(s, "/api/inbox/" + toT2.get(0)).path("consumer").asText()).isEqualTo("target:t2");
        assertThat(admin(s, "/api/inbox?consumer=target:t2").path("entries")).hasSize(toT2.size());
        assertThat(admin(s, "/api/inbox?consumer=api").path("entries")).extracting(e -> e.path("id").asLong())
                .containsExactly(kept);
        JsonNode routes = admin(s, "/api/routes").path("routes");
        assertThat(routes.get(0).path("methods").asText()).isEqualTo("deliveryorder.*");
        assertThat(routes.get(0).path("route").asText()).startsWith("inbox t1 (test-file t1.log)");
        assertThat(routes.get(routes.size() - 1).path("line").asText()).isEqualTo("*: refuse (invalid-method)");
        String metrics = s.admin("/metrics").body();
        assertThat(metrics).contains("qimen_inbox_delivery_seconds_count{consumer=\"target:t1\",outcome=\"done\"} 6")
                .contains("qimen_inbox_delivery_seconds_count{consumer=\"target:t2\",outcome=\"done\"} 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTargetFailingFirstIsRetriedWithBackoffAndAnEntryReplayedIsDeliveredAgain(String store) throws Exception {
        TestServer s = start(store, c -> c.inboxMaxAttempts(5).target("t1", target("t1.log", "fail_first", "2"))
                .route("deliveryorder.create", "inbox t1"));
        long id = push(s, "deliveryorder.create", "DO-1");
        InboxEntry done = await(s, id, e -> e.status() == InboxStatus.DONE);
        assertThat(done.attempts()).isEqualTo(3);
        List<String[]> begins = FileTarget.lines(dir.resolve("t1.log"), "begin");
        assertThat(begins).hasSize(3);
        long first = Long.parseLong(begins.get(1)[3]) - Long.parseLong(begins.get(0)[3]);
        long second = Long.parseLong(begins.get(2)[3]) - Long.parseLong(begins.get(1)[3]);
        assertThat(first).as("retry delay, then doubled").isGreaterThanOrEqualTo(190);
        assertThat(second).isGreaterThanOrEqualTo(390);
        assertThat(FileTarget.lines(dir.resolve("t1.log"), "fail")).hasSize(2);

        // replayed from the console: delivered to its target again (attempts from zero, so it fails twice again)
        assertThat(s.adminPost("/api/inbox/" + id + "/replay", "{}").statusCode()).isEqualTo(200);
        await(s, id, e -> e.status() == InboxStatus.DONE && begins("t1.log") == 6);
        assertThat(FileTarget.doneCounts(dir.resolve("t1.log"))).containsEntry(id, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTargetAlwaysFailingLeavesTheEntryDeadAfterTheLastAttemptAndRetryDeliversItAgain(String store)
            throws Exception {
        TestServer s = start(store, c -> c.inboxMaxAttempts(3).target("t1", target("t1.log", "fail_first", "always"))
                .route("deliveryorder.create", "inbox t1"));
        long id = push(s, "deliveryorder.create", "DO-1");
        InboxEntry dead = await(s, id, e -> e.status() == InboxStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("t1 refuses attempt 3");
        Thread.sleep(500);
        assertThat(FileTarget.lines(dir.resolve("t1.log"), "begin")).as("no attempt after dead").hasSize(3);
        String metrics = s.admin("/metrics").body();
        assertThat(metrics).contains("qimen_inbox_delivery_seconds_count{consumer=\"target:t1\",outcome=\"failed\"} 2")
                .contains("qimen_inbox_delivery_seconds_count{consumer=\"target:t1\",outcome=\"dead\"} 1");

        assertThat(s.adminPost("/api/inbox/" + id + "/retry", "{}").statusCode()).isEqualTo(200);
        InboxEntry again = await(s, id, e -> e.status() == InboxStatus.DEAD && e.updated().isAfter(dead.updated()));
        assertThat(FileTarget.lines(dir.resolve("t1.log"), "begin")).hasSize(6);

        // every dead entry of a consumer in one step: none for another target, this one for t1
        HttpResponse<String> none = s.adminPost("/api/inbox/retry-dead?consumer=target:t2", "{}");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(JSON.readTree(none.body()).path("retried").asInt()).isZero();
        HttpResponse<String> batch = s.adminPost("/api/inbox/retry-dead?consumer=target:t1", "{}");
        assertThat(JSON.readTree(batch.body()).path("retried").asInt()).as(batch.body()).isEqualTo(1);
        await(s, id, e -> e.status() == InboxStatus.DEAD && e.updated().isAfter(again.updated()));
        assertThat(FileTarget.lines(dir.resolve("t1.log"), "begin")).hasSize(9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anUnreachableTargetUsesNoAttemptsAndItsEntriesAreDeliveredOnceItIsBack(String store) throws Exception {
        try (LogCapture logs = LogCapture.of(InboxDispatcher.class)) {
            // two attempts only, four deliveries that cannot reach the target: counted, the entry would be dead
            TestServer s = start(store, c -> c.inboxMaxAttempts(2)
                    .target("t1", target("t1.log", "unavailable_first", "4")).route("deliveryorder.create", "inbox t1"));
            long id = push(s, "deliveryorder.create", "DO-1");

            InboxEntry done = await(s, id, e -> e.status() == InboxStatus.DONE);
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.deliveredTo()).isEqualTo("file t1.log");
            assertThat(done.lastError()).isNull();
            List<String[]> unreachable = FileTarget.lines(dir.resolve("t1.log"), "unavailable");
            assertThat(unreachable).hasSize(4).allSatisfy(w -> assertThat(w[2]).as("its attempt").isEqualTo("1"));
            assertThat(FileTarget.doneCounts(dir.resolve("t1.log"))).containsExactly(Map.entry(id, 1));
            assertThat(FileTarget.lines(dir.resolve("t1.log"), "done")).allSatisfy(w -> assertThat(w[2]).isEqualTo("1"));
            // still backing off: each wait is as long as the outage has lasted so far, at least the 200 ms retry delay
            List<String[]> begins = FileTarget.lines(dir.resolve("t1.log"), "begin");
            long lasted = Long.parseLong(begins.get(3)[3]) - Long.parseLong(begins.get(0)[3]);
            long lastWait = Long.parseLong(begins.get(4)[3]) - Long.parseLong(begins.get(3)[3]);
            assertThat(lasted).as("three waits of 200, 200 and 400 ms at least").isGreaterThanOrEqualTo(790);
            assertThat(lastWait).as("after an outage of %d ms", lasted).isGreaterThanOrEqualTo(lasted - 100);
            String metrics = s.admin("/metrics").body();
            assertThat(metrics)
                    .contains("qimen_inbox_delivery_seconds_count{consumer=\"target:t1\",outcome=\"unavailable\"} 4")
                    .contains("qimen_inbox_delivery_seconds_count{consumer=\"target:t1\",outcome=\"done\"} 1")
                    .doesNotContain("outcome=\"dead\"").doesNotContain("outcome=\"failed\"");
            // the outage is logged when it begins and when it ends, not per entry
            assertThat(logs.lines().stream().filter(l -> l.contains("target t1 is unavailable"))).as(logs.all())
                    .hasSize(1);
            assertThat(logs.lines().stream().filter(l -> l.contains("target t1 is reachable again"))).as(logs.all())
                    .hasSize(1);
            assertThat(logs.all()).doesNotContain("delivery 1 of entry");
        }
    }

    @org.junit.jupiter.api.Test
    void aTargetsOwnLongerDeliveryTimeoutIsWhatADeliveryGetsNotTheHandlerTimeout() throws Exception {
        Path slowHold = Files.createFile(dir.resolve("slow.hold"));
        Path hungHold = Files.createFile(dir.resolve("hung.hold"));
        // the inbox handler timeout is 200 ms; "slow" bounds its deliveries itself at 30 s, "hung" at 800 ms
        TestServer s = start("sqlite", c -> c.handlerTimeout(Duration.ofMillis(200)).inboxMaxAttempts(3)
                .inboxRetryDelay(Duration.ofHours(1))
                .target("slow", target("slow.log", "hold_while", slowHold.toString(), "delivery_timeout", "30s"))
                .target("hung", target("hung.log", "hold_while", hungHold.toString(), "delivery_timeout", "800ms"))
                .route("deliveryorder.create", "inbox slow").route("entryorder.create", "inbox hung"));
        long slow = push(s, "deliveryorder.create", "DO-1");
        long hung = push(s, "entryorder.create", "EO-1");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (begins("slow.log") == 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        // the hung one is interrupted at its target's timeout, and says so
        InboxEntry interrupted = await(s, hung, e -> e.status() == InboxStatus.FAILED);
        assertThat(interrupted.lastError()).startsWith("no result within 800 ms");
        Files.delete(hungHold);
        // the slow one runs five times the handler timeout, uninterrupted: released, it is done
        long began = Long.parseLong(FileTarget.lines(dir.resolve("slow.log"), "begin").get(0)[3]);
        Thread.sleep(Math.max(0, began + 1000 - System.currentTimeMillis()));
        assertThat(store(s).get(slow).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSING);
        Files.delete(slowHold);
        InboxEntry done = await(s, slow, e -> e.status() == InboxStatus.DONE);
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(FileTarget.lines(dir.resolve("slow.log"), "fail")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anEntryWaitingForAnUnreachableTargetSaysWhyAndKeepsItsAttempts(String store) throws Exception {
        TestServer s = start(store, c -> c.inboxMaxAttempts(1).inboxRetryDelay(Duration.ofMinutes(10))
                .target("t1", target("t1.log", "unavailable_first", "1")).route("deliveryorder.create", "inbox t1"));
        long id = push(s, "deliveryorder.create", "DO-1");
        InboxEntry waiting = await(s, id, e -> e.status() == InboxStatus.FAILED);
        assertThat(waiting.attempts()).isZero();
        assertThat(waiting.lastError()).contains("no attempt used", "t1 cannot be reached", "ConnectException");
        // the wait for an unreachable target is short, whatever the retry delay: its recovery is noticed soon
        assertThat(Duration.between(waiting.updated(), waiting.nextAttemptAt()))
                .isLessThanOrEqualTo(InboxDispatcher.MAX_UNAVAILABLE_DELAY);
        JsonNode json = admin(s, "/api/inbox/" + id);
        assertThat(json.path("status").asText()).isEqualTo("failed");
        assertThat(json.path("lastError").asText()).contains("t1 cannot be reached");
        assertThat(json.path("deliveredTo").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void entriesForATargetThatIsGoneStayPendingAndVisibleUntilItIsBack(String store) throws Exception {
        TestServer first = start(store, c -> c.inboxRetryDelay(Duration.ofHours(1)).inboxMaxAttempts(5)
                .target("t1", target("t1.log", "fail_first", "1")).route("deliveryorder.*", "inbox t1"));
        long id = push(first, "deliveryorder.create", "DO-1");
        long fresh;
        await(first, id, e -> e.status() == InboxStatus.FAILED);
        first.close();
        servers.remove(first);

        // the route and the target are gone: the entry is neither delivered elsewhere nor lost
        TestServer without = start(store, c -> c);
        assertThat(without.server().inbox().orElseThrow().store().get(id).orElseThrow().status())
                .isEqualTo(InboxStatus.FAILED);
        JsonNode e = admin(without, "/api/inbox/" + id);
        assertThat(e.path("consumer").asText()).isEqualTo("target:t1");
        assertThat(e.path("consumerMissing").asBoolean()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!without.admin("/metrics").body().contains("qimen_inbox_stranded_entries 1.0")) {
            assertThat(System.nanoTime()).as(without.admin("/metrics").body()).isLessThan(deadline);
            Thread.sleep(50);
        }
        // retried by hand meanwhile: due, but nobody here delivers it
        assertThat(without.adminPost("/api/inbox/" + id + "/retry", "{}").statusCode()).isEqualTo(200);
        Thread.sleep(700);
        assertThat(store(without).get(id).orElseThrow().status()).isEqualTo(InboxStatus.NEW);
        fresh = push(without, "deliveryorder.create", "DO-2"); // now kept for the API (inbox_methods, no consumer)
        assertThat(store(without).get(fresh).orElseThrow().consumer()).isEqualTo(InboxConsumer.API);
        without.close();
        servers.remove(without);

        // the target is back: the entry goes where it was acknowledged for
        TestServer back = start(store, c -> c.target("t1", target("t1.log")).route("deliveryorder.*", "inbox t1"));
        assertThat(await(back, id, x -> x.status() == InboxStatus.DONE).consumer()).isEqualTo("target:t1");
        assertThat(FileTarget.doneCounts(dir.resolve("t1.log"))).containsOnlyKeys(id);
        assertThat(store(back).get(fresh).orElseThrow().status()).isEqualTo(InboxStatus.NEW);
        assertThat(Files.readString(dir.resolve("t1.log"))).doesNotContain("begin " + fresh + " ");
    }
}
