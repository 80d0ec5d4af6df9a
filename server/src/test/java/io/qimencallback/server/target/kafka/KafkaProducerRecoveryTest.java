package io.qimencallback.server.target.kafka;

import static io.qimencallback.server.target.kafka.Deliveries.delivery;
import static io.qimencallback.server.target.kafka.Deliveries.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qimencallback.server.config.Section;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A producer in a fatal state fails every later send until it is closed: the target replaces it, once however many
 * deliveries fail on it, closes the old one in the background and counts it. Kafka's own MockProducer stands in for
 * the broker (a real one cannot be made to fence an idempotent producer on demand).
 */
class KafkaProducerRecoveryTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<MockProducer<byte[], byte[]>> made = new CopyOnWriteArrayList<>();

    private KafkaTarget target(Supplier<MockProducer<byte[], byte[]>> next) {
        KafkaSettings settings = KafkaSettings.read(Section.of("targets", "log", Map.of("type", "kafka",
                "bootstrap_servers", "127.0.0.1:9", "delivery_timeout", "3s"), Map.of()), Duration.ofSeconds(10));
        Supplier<Producer<byte[], byte[]>> producers = () -> {
            MockProducer<byte[], byte[]> p = next.get();
            made.add(p);
            return p;
        };
        return new KafkaTarget("log", settings, producers, new KafkaMetrics(meters, "log"));
    }

    private static MockProducer<byte[], byte[]> autoCompleting() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private double recreated() {
        return meters.get("qimen.kafka.producer.recreated").tag("target", "log").counter().count();
    }

    private static void awaitClosed(MockProducer<?, ?> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!p.closed()) {
            assertThat(System.nanoTime()).as("the replaced producer is closed").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aFencedProducerIsReplacedAndTheNextDeliveryGoesThroughTheNewOne() throws Exception {
        try (KafkaTarget t = target(KafkaProducerRecoveryTest::autoCompleting)) {
            MockProducer<byte[], byte[]> first = made.get(0);
            t.deliver(delivery(1, 1, "DO-1", "taobao.qimen.deliveryorder.create"));
            first.sendException = new ProducerFencedException("fenced by a newer producer");
            assertThatThrownBy(() -> t.deliver(delivery(2, 1, "DO-2", "taobao.qimen.deliveryorder.create")))
                    .isInstanceOf(KafkaTarget.KafkaDeliveryException.class).hasMessageContaining("ProducerFenced");
            assertThat(made).hasSize(2);
            assertThat(recreated()).isEqualTo(1);
            awaitClosed(first);

            assertThat(t.deliver(delivery(2, 2, "DO-2", "taobao.qimen.deliveryorder.create"))).startsWith("topic ");
            MockProducer<byte[], byte[]> second = made.get(1);
            assertThat(second.history()).hasSize(1);
            assertThat(header(second.history().get(0).headers(), KafkaTarget.CALL_ID)).isEqualTo("call-2");
        }
        assertThat(made.get(1).closed()).as("close() closes the current producer").isTrue();
    }

    /** The fatal error as the real producer reports it: on the send's future, wrapped or not. */
    @Test
    void aFatalErrorOnTheAckReplacesTheProducerAnOrdinaryOneDoesNot() throws Exception {
        List<MockProducer<byte[], byte[]>> manual = new ArrayList<>();
        try (KafkaTarget t = target(() -> {
            MockProducer<byte[], byte[]> p = new MockProducer<>(false, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            manual.add(p);
            return p;
        })) {
            failNextAck(t, manual.get(0), new RecordTooLargeException("too large"), 1);
            assertThat(made).as("an ordinary refusal keeps the producer").hasSize(1);
            assertThat(recreated()).isZero();

            failNextAck(t, manual.get(0), new ClusterAuthorizationException("idempotent writes not allowed"), 2);
            assertThat(made).hasSize(2);
            assertThat(recreated()).isEqualTo(1);
            awaitClosed(manual.get(0));

            failNextAck(t, manual.get(1), new org.apache.kafka.common.KafkaException("failed",
                    new OutOfOrderSequenceException("sequence lost")), 3);
            assertThat(made).as("a fatal cause inside a KafkaException").hasSize(3);
            assertThat(recreated()).isEqualTo(2);
        }
    }

    private static void failNextAck(KafkaTarget t, MockProducer<byte[], byte[]> p, RuntimeException error, long id)
            throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            int before = p.history().size();
            Future<String> delivered = pool.submit(() -> t.deliver(delivery(id, 1, "DO-" + id,
                    "taobao.qimen.deliveryorder.create")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (p.history().size() == before) {
                assertThat(System.nanoTime()).as("the record was sent").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(p.errorNext(error)).isTrue();
            assertThatThrownBy(() -> delivered.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(KafkaTarget.KafkaDeliveryException.class)
                    .hasMessageContaining(error.getClass().getSimpleName());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Many delivery threads fail on the broken producer at once: one replacement, not one per thread. */
    @Test
    void deliveriesFailingTogetherReplaceTheProducerOnce() throws Exception {
        try (KafkaTarget t = target(KafkaProducerRecoveryTest::autoCompleting)) {
            made.get(0).sendException = new ProducerFencedException("fenced");
            int threads = 8;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    long id = i + 1;
                    all.add(pool.submit(() -> {
                        go.await();
                        try {
                            t.deliver(delivery(id, 1, "DO-" + id, "taobao.qimen.deliveryorder.create"));
                        } catch (KafkaTarget.KafkaDeliveryException e) {
                            // the ones that reached the fenced producer
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : all) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(made).hasSize(2);
            assertThat(recreated()).isEqualTo(1);
        }
    }
}
