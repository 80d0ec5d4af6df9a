package io.qimencallback.examples.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the qimen server's kafka target publishes: every topic matching {@code QIMEN_TOPICS} (a regular
 * expression, default {@code qimen\..*}: the default one-topic-per-method layout), in a consumer group.
 *
 * <p>Delivery is at least once: a record whose ack was lost (a broker restart, a timeout) is published again with the
 * same {@code qimen-entry-id} header. This example skips ids it has already handled, kept in memory; a real consumer
 * records the id in the same transaction as its effect (a unique key in the ERP's database), so that a restart of the
 * consumer cannot apply an entry twice either.
 *
 * <p>Offsets are committed after a batch is handled: a crash in between replays the batch, and the ids catch it.
 */
public final class QimenConsumer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED = 100_000;

    /** The ids already handled, the oldest forgotten first. */
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    public static void main(String[] args) {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        String topics = System.getenv().getOrDefault("QIMEN_TOPICS", "qimen\\..*");
        String group = System.getenv().getOrDefault("KAFKA_GROUP_ID", "qimen-example-consumer");
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        QimenConsumer handler = new QimenConsumer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.wakeup();
                try {
                    main.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            consumer.subscribe(Pattern.compile(topics));
            System.out.printf("reading %s from %s as group %s%n", topics, bootstrap, group);
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    handler.accept(r);
                }
                consumer.commitSync();
            }
        } catch (WakeupException stopping) {
            System.out.println("stopped");
        }
    }

    /** Handles one record unless its entry was handled before; returns whether it was new. */
    boolean accept(ConsumerRecord<byte[], byte[]> r) {
        String entryId = header(r, "qimen-entry-id");
        if (entryId == null) {
            System.out.printf("skipped %s-%d@%d: no qimen-entry-id header (not from a qimen server)%n",
                    r.topic(), r.partition(), r.offset());
            return false;
        }
        if (!seen.add(entryId)) {
            System.out.printf("entry %s again (attempt %s): already handled, skipped%n", entryId, header(r, "qimen-attempt"));
            return false;
        }
        try {
            JsonNode call = JSON.readTree(r.value());
            // the ERP's work goes here: call.get("body") is the Qimen XML or JSON exactly as the gateway sent it
            System.out.printf("entry %s: %s %s for customerId %s (call %s, %d body chars)%n", entryId,
                    call.path("normalizedMethod").asText(), call.path("businessKey").asText(),
                    call.path("customerId").asText(), call.path("callId").asText(), call.path("body").asText().length());
            return true;
        } catch (java.io.IOException e) {
            seen.remove(entryId);
            throw new IllegalStateException("entry " + entryId + ": the value is not the qimen envelope", e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
