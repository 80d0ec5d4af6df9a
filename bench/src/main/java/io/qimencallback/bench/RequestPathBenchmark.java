package io.qimencallback.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.call.CallProcessor;
import io.qimencallback.server.call.CallVerifier;
import io.qimencallback.server.call.ReplayGuard;
import io.qimencallback.server.recent.RecentCalls;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.http.ConnectionLimits;
import io.qimencallback.server.http.PublicChannelInitializer;
import io.qimencallback.server.http.ServiceEndpoint;
import io.qimencallback.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One signed {@code deliveryorder.create} (the ~2.4 KiB sample) through the whole public pipeline — HTTP decode,
 * aggregation, body copy, verification, XML parse, handler, rendering, HTTP encode — on an {@link EmbeddedChannel},
 * with the worker pool replaced by the calling thread so that only the server's own work is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestPathBenchmark {
    private static final AppSecrets SECRETS = AppSecrets.parse("12345678:" + Samples.SECRET);
    private EmbeddedChannel channel;
    private ServerMetrics metrics;
    private ByteBuf request;

    /** Runs submitted work at once, on the caller's thread. */
    static final class InlineExecutor extends AbstractExecutorService {
        @Override public void execute(Runnable command) { command.run(); }
        @Override public void shutdown() { }
        @Override public List<Runnable> shutdownNow() { return List.of(); }
        @Override public boolean isShutdown() { return false; }
        @Override public boolean isTerminated() { return false; }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }
    }

    @Setup(Level.Trial)
    public void setUp() {
        metrics = new ServerMetrics();
        CallVerifier verifier = new CallVerifier(() -> SECRETS, Duration.ZERO, new SourcePolicy(List.of(), List.of()),
                Routes.of(HandlerRegistry.builder().add(new BenchHandler()).build(), false, List.of()),
                Clock.systemUTC(), (call, failure) -> { });
        // the replay guard would answer every repetition of the one pre-signed request from memory: off here
        CallProcessor processor = new CallProcessor(verifier, ReplayGuard.off(), () -> null, () -> { }, java.time.Duration.ofSeconds(10));
        ServiceEndpoint endpoint = new ServiceEndpoint("/qimen", processor, new InlineExecutor(), Duration.ofSeconds(10),
                metrics, () -> false, RecentCalls.off(), 65536);
        channel = new EmbeddedChannel(new PublicChannelInitializer(endpoint,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new ConnectionLimits(16384, 8 << 20, 1 << 26,
                10_000, 10_000, Duration.ofSeconds(30), Duration.ofSeconds(60)), null, a -> false));
        GatewayRequest r = GatewayRequest.builder("deliveryorder.create").appKey("12345678").secret(Samples.SECRET)
                .customerId("CUST001").xmlBody(Bodies.DELIVERY_ORDER).build();
        byte[] body = r.body();
        String head = "POST /qimen?" + r.query() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + r.headers().get("Content-Type") + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        request = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body));
        if (!call().contains("<flag>success</flag>")) {
            throw new IllegalStateException("the benchmark request is not answered success");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        metrics.close();
    }

    @Benchmark
    public int requestToResponse() {
        channel.writeInbound(request.duplicate());
        channel.runPendingTasks();
        int bytes = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }

    private String call() {
        channel.writeInbound(request.duplicate());
        channel.runPendingTasks();
        StringBuilder s = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            s.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return s.toString();
    }
}
