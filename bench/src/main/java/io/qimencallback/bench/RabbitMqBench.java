package io.qimencallback.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.Counter;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ServerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signed push → RabbitMQ, end to end on one machine: the real server (inbox on SQLite, route
 * {@code deliveryorder.create: inbox bench}, a {@code rabbitmq} target on the local broker), {@code CONCURRENCY}
 * gateway clients sending {@code CALLS} distinct delivery orders, and a consumer on a queue bound to the exchange.
 * Prints calls/s from the first push to the last broker confirm, and latency from the server's receipt of a push
 * (the envelope's {@code receivedAt}) to the consumer's receipt of its message, p50/p99.
 *
 * <p>Environment: {@code CALLS} (5000), {@code CONCURRENCY} (16), {@code DELIVERY_THREADS} (the inbox's, 4),
 * {@code RATE} (calls/s offered; 0, the default, sends as fast as the clients can: the inbox then queues what the
 * deliveries cannot keep up with, and the latency measures that queue), {@code WARMUP} (1000 calls, not counted),
 * {@code RABBITMQ_URI} ({@code amqp://127.0.0.1:5672}, guest/guest).
 */
public final class RabbitMqBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_KEY = "12345678";
    private static final String SECRET = "bench-secret-0123456789";

    private RabbitMqBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = env("CALLS", 5000);
        int concurrency = env("CONCURRENCY", 16);
        int deliveryThreads = env("DELIVERY_THREADS", 4);
        int warmup = env("WARMUP", 1000);
        int rate = env("RATE", 0);
        URI broker = URI.create(System.getenv().getOrDefault("RABBITMQ_URI", "amqp://127.0.0.1:5672"));
        String id = UUID.randomUUID().toString().substring(0, 8);
        String exchange = "qimen-bench-" + id;
        String queue = "qimen-bench-" + id;

        ConnectionFactory f = new ConnectionFactory();
        f.setHost(broker.getHost());
        f.setPort(broker.getPort() == -1 ? 5672 : broker.getPort());
        Path data = Files.createTempDirectory("qimen-bench-");
        try (Connection consumerConnection = f.newConnection("qimen bench consumer")) {
            Channel ch = consumerConnection.createChannel();
            ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
            ch.queueDeclare(queue, true, false, false, null);
            ch.queueBind(queue, exchange, "qimen.#");
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            long[] latencyMicros = new long[warmup + calls + 16];
            AtomicInteger consumed = new AtomicInteger();
            AtomicInteger duplicates = new AtomicInteger();
            ch.basicQos(256);
            ch.basicConsume(queue, true, (tag, m) -> {
                Instant now = Instant.now();
                long entry = ((Number) m.getProperties().getHeaders().get("qimen-entry-id")).longValue();
                if (!seen.add(entry)) {
                    duplicates.incrementAndGet();
                    return;
                }
                JsonNode e = JSON.readTree(m.getBody());
                Instant received = Instant.parse(e.get("receivedAt").asText());
                int i = consumed.getAndIncrement();
                if (i < latencyMicros.length) {
                    latencyMicros[i] = Duration.between(received, now).toNanos() / 1000;
                }
            }, tag -> { });

            ServerConfig config = ServerConfig.builder().port(0).adminPort(0).bind("127.0.0.1")
                    .apps(AppSecrets.parse(APP_KEY + ":" + SECRET)).dataDir(data)
                    .inboxDeliveryThreads(deliveryThreads)
                    .target("bench", Map.of("type", "rabbitmq", "uri", broker.toString(), "exchange", exchange))
                    .route("deliveryorder.create", "inbox bench").build();
            QimenServer server = QimenServer.start(config, HandlerRegistry.builder().build());
            try {
                Counter confirmed = server.metrics().registry().find("qimen.rabbitmq.confirmed")
                        .tag("target", "bench").counter();
                URI url = URI.create("http://127.0.0.1:" + server.port() + config.path());
                push(url, 0, warmup, concurrency, rate);
                awaitCount(consumed, warmup, 120);
                double before = confirmed.count();
                long start = System.nanoTime();
                long[] ackMicros = push(url, warmup, calls, concurrency, rate);
                long pushed = System.nanoTime();
                while (confirmed.count() - before < calls) {
                    Thread.sleep(1);
                    if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) {
                        throw new IllegalStateException("not all confirmed after 5 minutes");
                    }
                }
                long confirmedAt = System.nanoTime();
                awaitCount(consumed, warmup + calls, 60);
                long[] measured = Arrays.copyOfRange(latencyMicros, warmup, warmup + calls);
                Arrays.sort(measured);
                Arrays.sort(ackMicros);
                double seconds = (confirmedAt - start) / 1e9;
                var confirm = server.metrics().registry().find("qimen.rabbitmq.confirm.latency").tag("target", "bench")
                        .timer();
                System.out.printf("| RabbitMQ %s, %d clients%s, %d delivery threads | %d | %.0f | %.0f | %.2f ms | %.2f ms"
                                + " | %.2f ms | %.1f ms | %.1f ms | %d |%n",
                        brokerVersion(consumerConnection), concurrency, rate > 0 ? " at " + rate + " calls/s" : "",
                        deliveryThreads, calls, calls / seconds,
                        calls / ((pushed - start) / 1e9), ackMicros[calls / 2] / 1000.0,
                        ackMicros[(int) (calls * 0.99)] / 1000.0, confirm.mean(TimeUnit.MILLISECONDS),
                        measured[calls / 2] / 1000.0,
                        measured[(int) (calls * 0.99)] / 1000.0, duplicates.get());
            } finally {
                server.stop();
                ch.queueDelete(queue);
                ch.exchangeDelete(exchange);
            }
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Sends calls {@code from .. from+n-1}, each a distinct delivery order; returns each call's answer time in µs. */
    private static long[] push(URI url, int from, int n, int concurrency, int rate) throws Exception {
        long[] micros = new long[n];
        long t0 = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    GatewayClient client = new GatewayClient(url);
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        String code = "DO-" + (from + i);
                        GatewayRequest r = GatewayRequest.builder("taobao.qimen.deliveryorder.create").appKey(APP_KEY)
                                .secret(SECRET).customerId("C1").xmlBody("<request><deliveryOrder><deliveryOrderCode>"
                                        + code + "</deliveryOrderCode><ownerCode>OWNER01</ownerCode></deliveryOrder>"
                                        + "</request>").build();
                        if (rate > 0) { // call i is due at t0 + i / rate
                            long due = t0 + i * 1_000_000_000L / rate;
                            for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                        long t = System.nanoTime();
                        GatewayResponse answer = client.send(r);
                        micros[i] = (System.nanoTime() - t) / 1000;
                        if (!answer.isSuccess()) {
                            throw new IllegalStateException("call " + code + " answered " + answer.text());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return micros;
    }

    private static void awaitCount(AtomicInteger count, int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumed " + count.get() + " of " + n + " after " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }

    private static String brokerVersion(Connection c) {
        Object v = c.getServerProperties().get("version");
        return v == null ? "" : v.toString();
    }

    private static int env(String name, int defaultValue) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
    }
}
