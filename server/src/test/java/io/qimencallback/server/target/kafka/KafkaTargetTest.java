package io.qimencallback.server.target.kafka;

import static io.qimencallback.server.target.kafka.Deliveries.delivery;
import static io.qimencallback.server.target.kafka.Deliveries.header;
import static io.qimencallback.server.target.kafka.Deliveries.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetUnavailableException;
import io.qimencallback.server.testing.KafkaBroker;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The kafka target against a real broker (KRaft, a child JVM): what a consumer of the topic sees. */
class KafkaTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final KafkaBroker.PerClass KAFKA = new KafkaBroker.PerClass();
    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void broker() {
        broker = KAFKA.broker();
    }

    private static String topic() {
        return "qimen-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void everyDeliveryIsOneRecordKeyedByTheBusinessKeyWithItsHeaders() throws Exception {
        String topic = topic();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        int n = 300;
        try (Target t = target("log", Map.of("type", "kafka", "bootstrap_servers", broker.bootstrap(), "topic", topic),
                meters)) {
            assertThat(t.type()).isEqualTo("kafka");
            assertThat(t.describe()).contains(broker.bootstrap(), topic, "acks=all");
            // four threads at once, as the inbox's delivery threads would
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                long id = i;
                sent.add(pool.submit(() -> {
                    t.deliver(delivery(id, 1, "DO-" + (id % 30), "taobao.qimen.deliveryorder.create"));
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        List<ConsumerRecord<byte[], byte[]>> records = broker.readAll(topic, n, Duration.ofSeconds(30));
        assertThat(records).hasSize(n);
        Set<String> ids = new HashSet<>();
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        Set<Integer> partitions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = header(r.headers(), KafkaTarget.ENTRY_ID);
            ids.add(id);
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(header(r.headers(), KafkaTarget.BUSINESS_KEY)).isEqualTo(key);
            assertThat(header(r.headers(), KafkaTarget.METHOD)).isEqualTo("deliveryorder.create");
            assertThat(header(r.headers(), KafkaTarget.ATTEMPT)).isEqualTo("1");
            assertThat(header(r.headers(), KafkaTarget.CALL_ID)).isEqualTo("call-" + id);
            JsonNode envelope = JSON.readTree(r.value());
            assertThat(envelope.get("entryId").asText()).isEqualTo(id);
            assertThat(envelope.get("businessKey").asText()).isEqualTo(key);
            assertThat(envelope.get("callId").asText()).isEqualTo("call-" + id);
            assertThat(envelope.get("method").asText()).isEqualTo("taobao.qimen.deliveryorder.create");
            assertThat(envelope.get("body").asText()).contains("<deliveryOrderCode>" + key + "<");
            partitionsByKey.computeIfAbsent(key, k -> new HashSet<>()).add(r.partition());
            partitions.add(r.partition());
        }
        assertThat(ids).hasSize(n);
        assertThat(partitionsByKey).hasSize(30).allSatisfy((key, p) -> assertThat(p).as(key).hasSize(1));
        assertThat(partitions).as("30 keys over 3 partitions").hasSizeGreaterThan(1);
        assertThat(meters.get("qimen.kafka.published").tag("target", "log").counter().count()).isEqualTo(n);
        assertThat(meters.get("qimen.kafka.confirmed").tag("target", "log").counter().count()).isEqualTo(n);
        assertThat(meters.get("qimen.kafka.ack.latency").tag("target", "log").timer().count()).isEqualTo(n);
        assertThat(meters.get("qimen.kafka.failed").tag("target", "log").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void theDefaultTopicIsOnePerNormalizedMethod() throws Exception {
        try (Target t = target("bymethod", Map.of("type", "kafka", "bootstrap_servers", broker.bootstrap()),
                new SimpleMeterRegistry())) {
            t.deliver(delivery(1, 1, "SO-1", "taobao.qimen.stockout.create"));
            t.deliver(delivery(2, 1, "RO-1", "taobao.qimen.returnorder.create"));
            t.deliver(delivery(3, 2, "RO-2", "taobao.qimen.returnorder.create"));
        }
        assertThat(broker.readAll("qimen.stockout.create", 1, Duration.ofSeconds(20)))
                .extracting(r -> header(r.headers(), KafkaTarget.ENTRY_ID)).containsExactly("1");
        assertThat(broker.readAll("qimen.returnorder.create", 2, Duration.ofSeconds(20)))
                .extracting(r -> header(r.headers(), KafkaTarget.ENTRY_ID) + "/" + header(r.headers(), KafkaTarget.ATTEMPT))
                .containsExactlyInAnyOrder("2/1", "3/2");
    }

    @Test
    void aBrokerKilledDuringABurstLosesNothing() throws Exception {
        String topic = topic();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        int n = 400;
        AtomicInteger done = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        Map<Long, Boolean> delivered = new ConcurrentHashMap<>();
        try (Target t = target("burst", Map.of("type", "kafka", "bootstrap_servers", broker.bootstrap(), "topic", topic,
                "delivery_timeout", "3s"), meters)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                long id = i;
                sent.add(pool.submit(() -> {
                    // the inbox's part: a delivery that threw is tried again, with the same entry id
                    for (int attempt = 1; ; attempt++) {
                        try {
                            t.deliver(delivery(id, attempt, "DO-" + (id % 50), "taobao.qimen.deliveryorder.create"));
                            delivered.put(id, true);
                            done.incrementAndGet();
                            return null;
                        } catch (Exception e) {
                            retries.incrementAndGet();
                            Thread.sleep(200);
                        }
                    }
                }));
            }
            while (done.get() < n / 4) {
                Thread.sleep(5);
            }
            broker.kill();
            int atKill = done.get();
            Thread.sleep(2000);
            assertThat(done.get()).as("nothing is acked while the broker is down").isLessThanOrEqualTo(atKill + 20);
            broker.restart();
            for (Future<?> f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        assertThat(delivered).hasSize(n);
        assertThat(retries.get()).as("the kill made deliveries fail").isPositive();
        List<ConsumerRecord<byte[], byte[]>> records = broker.readAll(topic, n, Duration.ofSeconds(60));
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(header(r.headers(), KafkaTarget.ENTRY_ID)));
        assertThat(ids).as("every entry at least once").hasSize(n);
        System.out.printf("kafka burst across a broker kill: %d entries, %d records (%d duplicates), %d failed deliveries%n",
                n, records.size(), records.size() - n, retries.get());
    }

    @Test
    void anUnreachableBrokerFailsTheDeliveryWithinItsTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Target t = target("down", Map.of("type", "kafka", "bootstrap_servers", "127.0.0.1:" + port,
                "delivery_timeout", "2s", "close_timeout", "1s"), meters)) {
            assertThat(t.deliveryTimeout()).as("delivery_timeout and its slack").contains(Duration.ofSeconds(3));
            for (int i = 1; i <= 2; i++) {
                long start = System.nanoTime();
                long id = i;
                // no metadata: nothing was sent, so the inbox keeps the entry waiting without using an attempt
                assertThatThrownBy(() -> t.deliver(delivery(id, 1, "DO-1", "taobao.qimen.deliveryorder.create")))
                        .isInstanceOf(TargetUnavailableException.class)
                        .hasMessageContaining("kafka target 'down', topic qimen.deliveryorder.create")
                        .hasMessageContaining("metadata");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(ms).as("within delivery_timeout 2 s and its 1 s slack").isLessThan(3500);
            }
        }
        assertThat(meters.get("qimen.kafka.failed").tag("target", "down").tag("outcome", "metadata").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("qimen.kafka.confirmed").tag("target", "down").counter().count()).isZero();
    }

    @Test
    void saslOverTlsWithCredentialsFromFilesAndNoPasswordInTheLog() throws Exception {
        Path password = Files.writeString(dir.resolve("kafka-password"), KafkaBroker.PASSWORD + "\n");
        String topic = topic();
        Logger kafkaLog = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level before = kafkaLog.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        kafkaLog.addAppender(events);
        kafkaLog.setAdditive(false); // captured, not printed: the producer's configuration is a hundred lines
        kafkaLog.setLevel(Level.INFO);
        Target t;
        try {
            t = target("secure", Map.of("type", "kafka", "bootstrap_servers", broker.saslSslBootstrap(), "topic", topic,
                    "ssl_ca_file", broker.caFile().toString(), "sasl_mechanism", "PLAIN",
                    "sasl_username", KafkaBroker.USER, "sasl_password_file", password.toString()), new SimpleMeterRegistry());
        } finally {
            kafkaLog.setLevel(before);
            kafkaLog.setAdditive(true);
            kafkaLog.detachAppender(events);
        }
        try (t) {
            for (int i = 1; i <= 5; i++) {
                t.deliver(delivery(i, 1, "DO-" + i, "taobao.qimen.deliveryorder.create"));
            }
            assertThat(t.describe()).startsWith("sasl_ssl://").doesNotContain(KafkaBroker.PASSWORD);
        }
        assertThat(broker.readAll(topic, 5, Duration.ofSeconds(20))).hasSize(5);
        // the producer printed its configuration (so this looks at something), the password hidden in it
        assertThat(events.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("sasl.jaas.config = [hidden]"));
        assertThat(events.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(KafkaBroker.PASSWORD));
    }

    @Test
    void aWrongPasswordIsRejectedNotRetriedForever() throws Exception {
        Path password = Files.writeString(dir.resolve("wrong"), "not-the-password");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Target t = target("wrong", Map.of("type", "kafka", "bootstrap_servers", broker.saslSslBootstrap(),
                "ssl_ca_file", broker.caFile().toString(), "sasl_mechanism", "PLAIN", "sasl_username", KafkaBroker.USER,
                "sasl_password_file", password.toString(), "delivery_timeout", "5s", "close_timeout", "1s"), meters)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.deliver(delivery(1, 1, "DO-1", "taobao.qimen.deliveryorder.create")))
                    .isInstanceOf(KafkaTarget.KafkaDeliveryException.class)
                    .hasMessageContaining("Authentication")
                    .hasMessageNotContaining("not-the-password");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(6000);
        }
        assertThat(meters.get("qimen.kafka.failed").tag("target", "wrong").tag("outcome", "rejected").counter().count())
                .isEqualTo(1);
    }
}
