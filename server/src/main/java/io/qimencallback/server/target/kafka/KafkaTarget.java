package io.qimencallback.server.target.kafka;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.target.Envelope;
import io.qimencallback.server.target.Target;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Publishes each inbox entry as one record and returns once the broker acknowledged it ({@code acks=all}); see
 * {@link KafkaTargetType} for the configuration. One producer per target: it is thread-safe, and every inbox
 * delivery thread sends through it.
 */
final class KafkaTarget implements Target {
    static final String ENTRY_ID = "qimen-entry-id";
    static final String METHOD = "qimen-method";
    static final String BUSINESS_KEY = "qimen-business-key";
    static final String ATTEMPT = "qimen-attempt";
    /** Past delivery.timeout.ms the producer fails the send itself; this only guards against it not doing so. */
    private static final long SLACK_MILLIS = 1000;

    private final String name;
    private final KafkaSettings settings;
    private final TopicTemplate topics;
    private final Producer<byte[], byte[]> producer;
    private final KafkaMetrics metrics;

    KafkaTarget(String name, KafkaSettings settings, Producer<byte[], byte[]> producer, KafkaMetrics metrics) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = new TopicTemplate(settings.topic());
        this.producer = Objects.requireNonNull(producer, "producer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return KafkaTargetType.TYPE;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public String deliver(InboxDelivery delivery) throws Exception {
        Objects.requireNonNull(delivery, "delivery");
        QimenRequest r = delivery.request();
        String topic = topics.topicFor(r.method());
        byte[] key = delivery.businessKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = Envelope.ofEntry(r, delivery.entryId(), delivery.attempt(), delivery.businessKey());
        List<Header> headers = List.of(
                header(ENTRY_ID, Long.toString(delivery.entryId())),
                header(METHOD, r.method()),
                header(BUSINESS_KEY, delivery.businessKey()),
                header(ATTEMPT, Integer.toString(delivery.attempt())));
        long start = System.nanoTime();
        long budget = settings.deliveryTimeout().toMillis() + SLACK_MILLIS;
        Future<RecordMetadata> ack;
        try {
            ack = producer.send(new ProducerRecord<>(topic, null, null, key, value, headers));
        } catch (InterruptException e) {
            metrics.failed(KafkaMetrics.Outcome.INTERRUPTED);
            throw new InterruptedException(where(topic) + "interrupted while waiting for the topic's metadata");
        } catch (KafkaException e) {
            metrics.failed(classify(e));
            throw failure(topic, e);
        }
        metrics.published();
        try {
            long left = budget - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RecordMetadata written = ack.get(Math.max(left, 1), TimeUnit.MILLISECONDS);
            metrics.confirmed(System.nanoTime() - start);
            return "topic " + written.topic() + " partition " + written.partition() + " offset " + written.offset();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            metrics.failed(classify(cause));
            throw failure(topic, cause);
        } catch (java.util.concurrent.TimeoutException e) {
            metrics.failed(KafkaMetrics.Outcome.TIMEOUT);
            throw new KafkaDeliveryException(where(topic) + "no ack within " + budget + " ms");
        } catch (InterruptedException e) {
            // the inbox's deadline, or the server stopping; the record may still be written: at least once
            metrics.failed(KafkaMetrics.Outcome.INTERRUPTED);
            throw e;
        }
    }

    private static KafkaMetrics.Outcome classify(Throwable t) {
        if (t instanceof TimeoutException) {
            String m = t.getMessage();
            return m != null && m.contains("metadata") ? KafkaMetrics.Outcome.METADATA : KafkaMetrics.Outcome.TIMEOUT;
        }
        return t instanceof InterruptException ? KafkaMetrics.Outcome.INTERRUPTED : KafkaMetrics.Outcome.REJECTED;
    }

    private KafkaDeliveryException failure(String topic, Throwable cause) {
        return new KafkaDeliveryException(where(topic) + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private String where(String topic) {
        return "kafka target '" + name + "', topic " + topic + ": ";
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits up to close_timeout for records still in flight. */
    @Override
    public void close() {
        producer.close(settings.closeTimeout());
    }

    /** Why a record was not acknowledged: the entry's last error, read by the integrator; no credentials in it. */
    static final class KafkaDeliveryException extends Exception {
        KafkaDeliveryException(String message) {
            super(message);
        }
    }
}
