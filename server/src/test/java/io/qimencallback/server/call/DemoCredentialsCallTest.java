package io.qimencallback.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.access.Cidr;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.recent.RecentCalls;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.http.ConnectionLimits;
import io.qimencallback.server.http.PublicChannelInitializer;
import io.qimencallback.server.http.ServiceEndpoint;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.testing.Handlers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The call-time rule behind the start-time one: a call verified with the demo credentials from a client that is not
 * loopback, after X-Forwarded-For resolution, is refused. The server refuses to start on demo credentials with
 * trusted proxies, so the public pipeline is assembled here by hand, over a real loopback socket, with a proxy at
 * 127.0.0.1 trusted.
 */
class DemoCredentialsCallTest {
    private final ServerMetrics metrics = new ServerMetrics();
    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel channel;
    private GatewayClient gateway;

    @BeforeEach
    void start() throws InterruptedException {
        CallVerifier verifier = new CallVerifier(() -> AppSecrets.demo(ServerConfig.DEMO_SECRET),
                Duration.ofMinutes(10), new SourcePolicy(List.of(), List.of(Cidr.parse("127.0.0.1"))),
                Routes.of(HandlerRegistry.builder().add(Handlers.of("test.echo", r -> QimenResponse.success())).build(),
                        false, List.of()), Clock.systemUTC(), (c, f) -> { });
        CallProcessor processor = new CallProcessor(verifier, new ReplayGuard(100, Clock.systemUTC()), () -> null, () -> { }, java.time.Duration.ofSeconds(10));
        ServiceEndpoint endpoint = new ServiceEndpoint("/qimen", processor, workers, Duration.ofSeconds(5), metrics,
                () -> false, RecentCalls.off(), 65536);
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new PublicChannelInitializer(endpoint, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                        new ConnectionLimits(8192, 1 << 20, 1 << 26, 100, 100, Duration.ofSeconds(30),
                                Duration.ofSeconds(60)), null, a -> false))
                .bind("127.0.0.1", 0).sync().channel();
        gateway = new GatewayClient(URI.create("http://127.0.0.1:"
                + ((InetSocketAddress) channel.localAddress()).getPort() + "/qimen"));
    }

    @AfterEach
    void stop() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
        metrics.close();
    }

    private GatewayResponse send(String forwardedFor) throws Exception {
        GatewayRequest.Builder call = GatewayRequest.builder("test.echo").appKey("12345678")
                .secret(ServerConfig.DEMO_SECRET);
        if (forwardedFor != null) {
            call.header("X-Forwarded-For", forwardedFor);
        }
        return gateway.send(call.build());
    }

    @Test
    void demoCredentialsForwardedFromAnotherMachineAreRefused() throws Exception {
        GatewayResponse r = send("203.0.113.9");
        assertThat(r.flag()).as(r.text()).isEqualTo("failure");
        assertThat(r.code()).isEqualTo("ip-not-allowed");
        assertThat(r.message()).contains("demo credentials are accepted from loopback only");
        // the header cannot be used to launder an address: the right-most untrusted hop is the caller
        assertThat(send("127.0.0.1, 203.0.113.9").code()).isEqualTo("ip-not-allowed");
    }

    @Test
    void demoCredentialsFromLoopbackAreServed() throws Exception {
        assertThat(send(null).isSuccess()).isTrue();
        assertThat(send("127.0.0.1").isSuccess()).isTrue();
        assertThat(send("::1").isSuccess()).isTrue();
    }

    @Test
    void aBadSignatureIsStillASignatureFailureNotADemoRefusal() throws Exception {
        GatewayResponse r = gateway.send(GatewayRequest.builder("test.echo").appKey("12345678")
                .secret("not-the-demo-secret-at-all").header("X-Forwarded-For", "203.0.113.9").build());
        assertThat(r.code()).isEqualTo("sign-check-failure");
    }
}
