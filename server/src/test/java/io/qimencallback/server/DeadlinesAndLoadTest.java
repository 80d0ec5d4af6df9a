package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Handlers slower than the deadline, and more calls than workers and queue can hold. */
class DeadlinesAndLoadTest {

    @Test
    void slowHandlerIsAnsweredHandlerTimeoutAndInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        QimenHandler slow = Handlers.of("slow.call", r -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return QimenResponse.success();
        });
        try (TestServer s = TestServer.start(c -> c.handlerTimeout(Duration.ofMillis(300)), slow)) {
            long start = System.nanoTime();
            GatewayResponse r = s.send(s.call("slow.call"));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.code()).isEqualTo("handler-timeout");
            assertThat(millis).isBetween(250L, 5_000L);
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(s.admin("/metrics").body())
                    .contains("qimen_requests_seconds_count{method=\"slow.call\",outcome=\"handler-timeout\",route=\"handler\"} 1");
        }
    }

    @Test
    void fullQueueAnswersOverloadedAtOnce() throws Exception {
        Gate gate = new Gate();
        QimenHandler blocking = gate.handler("block.call");
        try (TestServer s = TestServer.start(c -> c.workerThreads(1).workerQueue(1), blocking)) {
            CompletableFuture<GatewayResponse> first = CompletableFuture.supplyAsync(() -> s.send(s.call("block.call")));
            assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
            // distinct calls: the same signed call again would be a replay, answered with the first one's answer
            CompletableFuture<GatewayResponse> queued = CompletableFuture.supplyAsync(
                    () -> s.send(s.call("block.call").param("n", "2")));
            awaitQueueDepth(s, 1);

            long start = System.nanoTime();
            GatewayResponse rejected = s.send(s.call("block.call").param("n", "3"));
            assertThat(rejected.code()).isEqualTo("overloaded");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

            gate.release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(queued.get(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
    }

    @Test
    void bodiesBeyondTheInFlightBudgetAreAnsweredOverloaded() throws Exception {
        Gate gate = new Gate();
        QimenHandler blocking = gate.handler("block.call");
        String body = "<request>" + "x".repeat(3000) + "</request>";
        try (TestServer s = TestServer.start(c -> c.maxInflightBytes(4000).maxBodyBytes(4000), blocking)) {
            CompletableFuture<GatewayResponse> first = CompletableFuture.supplyAsync(() -> s.send(s.call("block.call").xmlBody(body)));
            assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();

            // refused from its announced length, before its body is read: 503 with the Qimen answer
            GatewayResponse refused = s.send(s.call("block.call").param("n", "2").xmlBody(body));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo("overloaded");
            gate.release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(s.send(s.call("block.call").param("n", "3").xmlBody(body)).isSuccess()).as("budget returned").isTrue();
        }
    }

    @Test
    void manyConcurrentCallsAllAnswered() throws Exception {
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger();
        QimenHandler h = Handlers.of("work.call", r -> {
            if (running.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            Thread.sleep(20);
            running.decrementAndGet();
            return QimenResponse.success().with("n", r.param("n").orElseThrow());
        });
        try (TestServer s = TestServer.start(h)) {
            List<CompletableFuture<GatewayResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String n = Integer.toString(i);
                calls.add(CompletableFuture.supplyAsync(() -> s.send(s.call("work.call").param("n", n))));
            }
            for (int i = 0; i < calls.size(); i++) {
                GatewayResponse r = calls.get(i).get(20, TimeUnit.SECONDS);
                assertThat(r.isSuccess()).isTrue();
                assertThat(r.tree().path("n").asText()).isEqualTo(Integer.toString(i));
            }
            assertThat(overlapped).as("handlers ran in parallel").isTrue();
            // a call is in flight until its answer's write completes, which the client may see a moment before
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (s.server().metrics().inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(s.server().metrics().inFlight()).isZero();
        }
    }

    /** A handler that holds every call until released, and says when the first one is in. */
    private static final class Gate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        QimenHandler handler(String method) {
            return Handlers.of(method, r -> {
                entered.countDown();
                release.await(10, TimeUnit.SECONDS);
                return QimenResponse.success();
            });
        }
    }

    private static void awaitQueueDepth(TestServer s, int depth) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (s.admin("/metrics").body().contains("qimen_executor_queue_depth " + depth + ".0")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("queue never reached " + depth);
    }
}
