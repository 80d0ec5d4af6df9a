package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.server.testing.EventLoopGuard;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing blocks an event loop: BlockHound is installed for the whole test JVM (blockhound-junit-platform), with the
 * server's I/O threads marked non-blocking ({@link EventLoopGuard}). This class runs last ({@link ClassOrderer.OrderAnnotation},
 * see junit-platform.properties), drives every kind of call through a real server, and fails on any blocking call
 * seen on an event loop during the whole run — in the other test classes too.
 */
@Order(Integer.MAX_VALUE)
class EventLoopBlockingTest {

    @Test
    void aHandlerThatBlocksOnTheEventLoopIsCaught() {
        try (TestServer s = TestServer.start(Handlers.of("liar.call", Execution.NON_BLOCKING, r -> {
            Thread.sleep(1); // declared non-blocking, blocks anyway
            return QimenResponse.success();
        }))) {
            List<String> before = EventLoopGuard.violations();
            assertThat(s.send(s.call("liar.call")).code()).isEqualTo("system-error");
            List<String> provoked = EventLoopGuard.violations().stream().filter(v -> !before.contains(v)).toList();
            assertThat(provoked).singleElement().asString().contains("sleep").contains("qimen-io-");
            EventLoopGuard.forget(provoked);
        }
    }

    @Test
    void noCallBlocksAnEventLoop(@TempDir Path dir) throws Exception {
        AsyncQimenHandler async = new AsyncQimenHandler() {
            @Override
            public Set<String> methods() {
                return Set.of("async.call");
            }

            @Override
            public CompletionStage<QimenResponse> handleAsync(QimenRequest request) {
                return CompletableFuture.supplyAsync(() -> QimenResponse.success().with("via", "async"),
                        CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
            }
        };
        HandlerRegistry handlers = HandlerRegistry.builder()
                .add(Handlers.of("fast.call", Execution.NON_BLOCKING,
                        r -> QimenResponse.success().with("echo", r.bodyTree().path("code").asText())))
                .add(Handlers.of("slow.call", r -> {
                    Thread.sleep(5); // blocking is fine on a worker
                    return QimenResponse.success();
                }))
                .add(async)
                .build();
        try (TestServer s = TestServer.start(c -> c.dataDir(dir).recentCalls(50), handlers)) {
            for (int i = 0; i < 20; i++) {
                String n = Integer.toString(i);
                succeeds(s.send(s.call("fast.call").param("n", n).xmlBody("<request><code>" + n + "</code></request>")));
                succeeds(s.send(s.call("slow.call").param("n", n)));
                succeeds(s.send(s.call("async.call").param("n", n)));
                succeeds(s.send(s.call("deliveryorder.create").param("n", n).xmlBody("<request><deliveryOrder>"
                        + "<deliveryOrderCode>D" + n + "</deliveryOrderCode></deliveryOrder></request>")));
                assertThat(s.send(s.call("fast.call").param("n", n).secret("wrong-secret-0123456789")).code())
                        .isEqualTo("sign-check-failure");
                assertThat(s.send(s.call("fast.call").param("n", n).xmlBody("<request><unclosed>")).code())
                        .isEqualTo("invalid-body");
            }
            assertThat(s.raw("GET", "/nope", java.util.Map.of(), new byte[0]).statusCode()).isEqualTo(404);
            assertThat(s.admin("/metrics").statusCode()).isEqualTo(200);
            assertThat(s.admin("/health/ready").statusCode()).isEqualTo(200);
            assertThat(s.admin("/api/calls").statusCode()).isEqualTo(200);
        }
        assertThat(EventLoopGuard.violations()).as("blocking calls on an event loop during the whole test run").isEmpty();
    }

    private static void succeeds(io.qimencallback.server.client.GatewayResponse r) {
        assertThat(r.isSuccess()).as("%s; blocking calls seen: %s", r, EventLoopGuard.violations()).isTrue();
    }
}
