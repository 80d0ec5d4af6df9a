package io.qimencallback.bench;

import io.micrometer.core.instrument.Gauge;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.ServerConfig;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The server under load: the real {@link QimenServer}, configured from the environment like the jar, with
 * {@link BenchHandler} registered. Adds a gauge {@code bench_allocated_bytes} (bytes allocated by all live threads)
 * so that the load script can compute allocation per request from two scrapes.
 */
public final class BenchServer {
    private BenchServer() {
    }

    public static void main(String[] args) {
        ServerConfig config = ConfigLoader.load(null, System.getenv());
        QimenServer server = QimenServer.start(config, HandlerRegistry.builder().add(new BenchHandler()).build());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Gauge.builder("bench.allocated.bytes", threads, t -> Arrays.stream(t.getThreadAllocatedBytes(t.getAllThreadIds()))
                .filter(b -> b > 0).sum()).register(server.metrics().registry());
        System.out.println("qimen listening on 127.0.0.1:" + server.port() + ", admin " + server.adminPort());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        server.awaitStopped();
    }
}
