package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.admin.AdminRoutes;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;
import io.qimencallback.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A start that fails after the handlers started closes them (and the targets) again, once. */
class StartCleanupTest {

    /** Records its starts and closes. */
    static final class Recording implements QimenHandler {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public Set<String> methods() {
            return Set.of("test.recording");
        }

        @Override
        public void start(io.qimencallback.protocol.handler.HandlerContext context) {
            starts.incrementAndGet();
        }

        @Override
        public QimenResponse handle(QimenRequest request) {
            return QimenResponse.success();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** A target kind whose targets count their closes. */
    private static TargetType counting(AtomicInteger closes) {
        return new TargetType() {
            @Override
            public String type() {
                return "counting";
            }

            @Override
            public Target create(Section section, TargetEnvironment environment) {
                return new Target() {
                    @Override
                    public String name() {
                        return section.name();
                    }

                    @Override
                    public String type() {
                        return "counting";
                    }

                    @Override
                    public String describe() {
                        return "counting";
                    }

                    @Override
                    public String deliver(InboxDelivery delivery) {
                        return "nowhere";
                    }

                    @Override
                    public void close() {
                        closes.incrementAndGet();
                    }
                };
            }
        };
    }

    @Test
    void aStepOfTheConstructionThatFailsAfterTheHandlersStartedClosesThemAndTheTargets() {
        Recording handler = new Recording();
        AtomicInteger targetCloses = new AtomicInteger();
        AdminRoutes broken = router -> {
            throw new IllegalStateException("admin contribution cannot be added");
        };
        assertThatThrownBy(() -> TestServer.start(c -> c.target("q", Map.of("type", "counting")),
                HandlerRegistry.builder().add(handler).build(), List.of(broken), List.of(counting(targetCloses))).close())
                .isInstanceOf(IllegalStateException.class).hasMessage("admin contribution cannot be added");
        assertThat(handler.starts.get()).isEqualTo(1);
        assertThat(handler.closes.get()).as("closed again").isEqualTo(1);
        assertThat(targetCloses.get()).isEqualTo(1);
    }

    @Test
    void aPublicPortAlreadyTakenClosesTheStartedHandlersAndTheTargets() throws Exception {
        Recording handler = new Recording();
        AtomicInteger targetCloses = new AtomicInteger();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> TestServer.start(c -> c.port(taken.getLocalPort())
                            .target("q", Map.of("type", "counting")), HandlerRegistry.builder().add(handler).build(),
                    List.of(), List.of(counting(targetCloses))).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind the public port 127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(handler.starts.get()).isEqualTo(1);
        // closed once the inbox (opening beside the bind) is closed: awaited, not assumed
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((handler.closes.get() == 0 || targetCloses.get() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(handler.closes.get()).isEqualTo(1);
        assertThat(targetCloses.get()).isEqualTo(1);
    }
}
