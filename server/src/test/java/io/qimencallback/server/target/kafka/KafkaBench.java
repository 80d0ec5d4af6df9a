package io.qimencallback.server.target.kafka;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.KafkaBroker;
import io.qimencallback.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Signed push to broker-acknowledged record, through a real server ({@code deliveryorder.create: inbox bench}) and
 * a real broker (testing/KafkaBroker), on loopback: calls per second from the first push until the last entry's
 * record is on the topic, and per call the latency from sending the push to a consumer reading its record
 * (p50/p99), beside the HTTP answer's own latency. Run by {@code bench/run-kafka.sh}.
 *
 * <p>Arguments (system properties): {@code calls} (default 5000), {@code senders} (concurrent gateway connections,
 * 16), {@code threads} (inbox delivery threads, 4), {@code warmup} (500 calls, not counted).
 */
public final class KafkaBench {
    private KafkaBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("calls", 5000);
        int senders = Integer.getInteger("senders", 16);
        int threads = Integer.getInteger("threads", 4);
        int warmup = Integer.getInteger("warmup", 500);
        String topic = "qimen-bench";
        try (KafkaBroker broker = KafkaBroker.start();
             TestServer s = TestServer.start(c -> c.inboxDeliveryThreads(threads)
                     .target("bench", Map.of("type", "kafka", "bootstrap_servers", broker.bootstrap(), "topic", topic))
                     .route("deliveryorder.create", "inbox bench"), HandlerRegistry.builder().build())) {
            Map<Long, Long> sentAt = new ConcurrentHashMap<>();
            Map<Long, Long> readAt = new ConcurrentHashMap<>();
            AtomicInteger seen = new AtomicInteger();
            Thread reader = new Thread(() -> read(broker.bootstrap(), topic, readAt, seen), "bench-consumer");
            reader.setDaemon(true);
            reader.start();

            run(s, "WARM-", warmup, senders, new ConcurrentHashMap<>(), new long[warmup]);
            await(seen, warmup, Duration.ofSeconds(60));
            long[] httpNanos = new long[calls];
            long t0 = System.nanoTime();
            run(s, "DO-", calls, senders, sentAt, httpNanos);
            long answered = System.nanoTime();
            await(seen, warmup + calls, Duration.ofSeconds(300));
            long t1 = System.nanoTime();
            long[] e2e = sentAt.entrySet().stream().mapToLong(e -> readAt.get(e.getKey()) - e.getValue()).sorted().toArray();
            Arrays.sort(httpNanos);
            // the producer's part alone: send to acks=all, as the target's timer saw it (warm-up included)
            var ack = s.server().metrics().registry().get("qimen.kafka.ack.latency").timer();
            System.out.printf("RESULT calls=%d senders=%d delivery_threads=%d answered_per_s=%.0f acked_per_s=%.0f"
                            + " http_p50_ms=%.2f http_p99_ms=%.2f e2e_p50_ms=%.2f e2e_p99_ms=%.2f e2e_max_ms=%.2f"
                            + " ack_mean_ms=%.2f ack_max_ms=%.2f%n",
                    calls, senders, threads, calls / seconds(answered - t0), calls / seconds(t1 - t0),
                    ms(pct(httpNanos, 50)), ms(pct(httpNanos, 99)), ms(pct(e2e, 50)), ms(pct(e2e, 99)),
                    ms(e2e[e2e.length - 1]), ack.mean(TimeUnit.MILLISECONDS), ack.max(TimeUnit.MILLISECONDS));
        }
        System.exit(0);
    }

    private static void run(TestServer s, String prefix, int n, int senders, Map<Long, Long> sentAt, long[] httpNanos)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        AtomicLong next = new AtomicLong();
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < senders; w++) {
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        GatewayResponse r = s.send(s.call("taobao.qimen.deliveryorder.create").customerId("C1").xmlBody(
                                "<request><deliveryOrder><deliveryOrderCode>" + prefix + i
                                        + "</deliveryOrderCode></deliveryOrder></request>"));
                        long end = System.nanoTime();
                        if (!r.isSuccess()) {
                            throw new IllegalStateException("not stored: " + r.text());
                        }
                        sentAt.put(Long.parseLong(r.message().replace("stored as inbox entry ", "")), start);
                        httpNanos[(int) i] = end - start;
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void read(String bootstrap, String topic, Map<Long, Long> readAt, AtomicInteger seen) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = List.of();
            while (tps.isEmpty()) {
                tps = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    long id = Long.parseLong(new String(r.headers().lastHeader(KafkaTarget.ENTRY_ID).value(),
                            StandardCharsets.UTF_8));
                    if (readAt.putIfAbsent(id, now) == null) {
                        seen.incrementAndGet();
                    }
                }
            }
        }
    }

    private static void await(AtomicInteger seen, int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (seen.get() < n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(seen.get() + " of " + n + " records within " + timeout);
            }
            Thread.sleep(1);
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
