package io.qimencallback.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.call.CallProcessor;
import io.qimencallback.server.call.CallVerifier;
import io.qimencallback.server.call.ReplayGuard;
import io.qimencallback.server.recent.RecentCalls;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.metrics.ServerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public pipeline without sockets: what is answered on the event loop itself. */
class QimenHttpHandlerTest {
    private final ServerMetrics metrics = new ServerMetrics();
    private final ExecutorService workers = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        workers.shutdownNow();
        metrics.close();
    }

    private EmbeddedChannel channel(int maxBody) {
        CallVerifier verifier = new CallVerifier(() -> AppSecrets.parse("k:s"), Duration.ofMinutes(10),
                new SourcePolicy(List.of(), List.of()), Routes.of(HandlerRegistry.empty(), false, List.of()),
                Clock.systemUTC(), (c, f) -> { });
        CallProcessor processor = new CallProcessor(verifier, new ReplayGuard(100, Clock.systemUTC()), () -> null, () -> { }, java.time.Duration.ofSeconds(10));
        ServiceEndpoint endpoint = new ServiceEndpoint("/qimen", processor, workers, Duration.ofSeconds(5), metrics,
                () -> false, RecentCalls.off(), 65536);
        EmbeddedChannel server = new EmbeddedChannel(new PublicChannelInitializer(endpoint,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new ConnectionLimits(8192, maxBody, 1 << 26, 100,
                100, Duration.ofSeconds(30), Duration.ofSeconds(60)), null, a -> false));
        return server;
    }

    /** Feeds raw request bytes in, returns the decoded response the server wrote. */
    private static FullHttpResponse exchange(EmbeddedChannel server, DefaultFullHttpRequest request) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpRequestEncoder(), new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        client.writeOutbound(request);
        Object bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
        server.runPendingTasks();
        while ((bytes = server.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        return client.readInbound();
    }

    @Test
    void unknownPathIs404WithoutTouchingAWorker() {
        EmbeddedChannel server = channel(1024);
        FullHttpResponse r = exchange(server, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/other?method=x"));

        assertThat(r.status().code()).isEqualTo(404);
        assertThat(server.isOpen()).as("keep-alive").isTrue();
        r.release();
    }

    @Test
    void bodyOverTheLimitIs413FromTheAggregator() {
        EmbeddedChannel server = channel(16);
        DefaultFullHttpRequest big = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/qimen",
                io.netty.buffer.Unpooled.wrappedBuffer(new byte[64]));
        big.headers().set("Content-Length", 64);
        FullHttpResponse r = exchange(server, big);

        assertThat(r.status().code()).isEqualTo(413);
        assertThat(metrics.scrape()).contains("qimen_http_rejections_total{status=\"413\"} 1.0");
        r.release();
    }

    @Test
    void aFailedAllocationClosesOnlyThatConnectionAndIsCounted() {
        EmbeddedChannel server = channel(1024);
        // what Netty fires when a read buffer cannot be allocated (the event loop itself goes on)
        server.pipeline().fireExceptionCaught(new OutOfMemoryError("Cannot reserve 65536 bytes of direct buffer memory"));
        server.runPendingTasks();

        assertThat(server.isOpen()).isFalse();
        assertThat(metrics.outOfMemoryCount()).isEqualTo(1);
        EmbeddedChannel other = channel(1024);
        FullHttpResponse r = exchange(other, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/nope"));
        assertThat(r.status().code()).as("another connection is served").isEqualTo(404);
        r.release();
    }

    @Test
    void absoluteFormTargetsAreReducedToTheirOriginForm() {
        assertThat(QimenHttpHandler.originForm("http://gw.example:8080/qimen?a=1")).isEqualTo("/qimen?a=1");
        assertThat(QimenHttpHandler.originForm("https://gw.example?a=1")).isEqualTo("/?a=1");
        assertThat(QimenHttpHandler.originForm("http://gw.example")).isEqualTo("/");
        assertThat(QimenHttpHandler.originForm("/qimen?u=http://x/y")).isEqualTo("/qimen?u=http://x/y");
    }
}
