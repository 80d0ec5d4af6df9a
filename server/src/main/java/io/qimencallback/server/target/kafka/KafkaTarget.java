package io.qimencallback.server.target.kafka;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.target.Envelope;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.concurrent.BlockingThreadFactory;
import io.qimencallback.server.target.TargetUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each inbox entry as one record and returns once the broker acknowledged it ({@code acks=all}); see
 * {@link KafkaTargetType} for the configuration. One producer per target: it is thread-safe, and every inbox
 * delivery thread sends through it. A producer that has gone into a fatal state (fenced, refused idempotent writes,
 * sequence lost) fails every later send, so it is replaced by a new one and closed in the background.
 */
final class KafkaTarget implements Target {
    private static final Logger log = LoggerFactory.getLogger(KafkaTarget.class);
    static final String ENTRY_ID = "qimen-entry-id";
    static final String METHOD = "qimen-method";
    static final String BUSINESS_KEY = "qimen-business-key";
    static final String ATTEMPT = "qimen-attempt";
    static final String CALL_ID = "qimen-call-id";
    /** Past delivery.timeout.ms the producer fails the send itself; this only guards against it not doing so. */
    static final Duration SLACK = Duration.ofSeconds(1);

    private final String name;
    private final KafkaSettings settings;
    private final TopicTemplate topics;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private final KafkaMetrics metrics;
    /** closes replaced producers, each on its own daemon thread: a broken producer's sender may never stop */
    private final ExecutorService closer;
    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean closed;

    /** @param producers makes the first producer now and a new one whenever the current one is fatally broken */
    KafkaTarget(String name, KafkaSettings settings, Supplier<Producer<byte[], byte[]>> producers,
                KafkaMetrics metrics) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = new TopicTemplate(settings.topic());
        this.producers = Objects.requireNonNull(producers, "producers");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.producer = Objects.requireNonNull(producers.get(), "producer");
        this.closer = Executors.newCachedThreadPool(new BlockingThreadFactory("qimen-kafka-" + name + "-close", true));
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

    /** delivery_timeout and its slack: the producer gives up by then, so the inbox need not interrupt it earlier. */
    @Override
    public Optional<Duration> deliveryTimeout() {
        return Optional.of(settings.deliveryTimeout().plus(SLACK));
    }

    @Override
    public String deliver(InboxDelivery delivery) throws Exception {
        Objects.requireNonNull(delivery, "delivery");
        QimenRequest r = delivery.request();
        String topic = topics.topicFor(r.method());
        byte[] key = delivery.businessKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = Envelope.ofEntry(r, delivery.entryId(), delivery.attempt(), delivery.businessKey());
        List<Header> headers = new ArrayList<>(5);
        headers.add(header(ENTRY_ID, Long.toString(delivery.entryId())));
        headers.add(header(METHOD, r.method()));
        headers.add(header(BUSINESS_KEY, delivery.businessKey()));
        headers.add(header(ATTEMPT, Integer.toString(delivery.attempt())));
        if (r.callId() != null) {
            headers.add(header(CALL_ID, r.callId()));
        }
        long start = System.nanoTime();
        long budget = deliveryTimeout().orElseThrow().toMillis();
        Producer<byte[], byte[]> p = producer;
        Future<RecordMetadata> ack;
        try {
            ack = p.send(new ProducerRecord<>(topic, null, null, key, value, headers));
        } catch (InterruptException e) {
            metrics.failed(KafkaMetrics.Outcome.INTERRUPTED);
            throw new InterruptedException(where(topic) + "interrupted while waiting for the topic's metadata");
        } catch (KafkaException | IllegalStateException e) {
            throw failed(p, topic, e);
        }
        metrics.published();
        try {
            long left = budget - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RecordMetadata written = ack.get(Math.max(left, 1), TimeUnit.MILLISECONDS);
            metrics.confirmed(System.nanoTime() - start);
            return "topic " + written.topic() + " partition " + written.partition() + " offset " + written.offset();
        } catch (ExecutionException e) {
            throw failed(p, topic, e.getCause() == null ? e : e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            metrics.failed(KafkaMetrics.Outcome.TIMEOUT);
            throw new KafkaDeliveryException(where(topic) + "no ack within " + budget + " ms");
        } catch (InterruptedException e) {
            // the inbox's deadline, or the server stopping; the record may still be written: at least once
            metrics.failed(KafkaMetrics.Outcome.INTERRUPTED);
            throw e;
        }
    }

    /** Counts a failed send and says what the inbox should do with it; replaces the producer when it is broken. */
    private Exception failed(Producer<byte[], byte[]> p, String topic, Throwable cause) {
        KafkaMetrics.Outcome outcome = classify(cause);
        metrics.failed(outcome);
        String why = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        if (outcome == KafkaMetrics.Outcome.METADATA) {
            // nothing was sent: the broker is unreachable (or the topic missing); the entry waits without an attempt
            return new TargetUnavailableException(where(topic) + why, null);
        }
        if (!closed && fatal(cause)) {
            replace(p, why);
        }
        return new KafkaDeliveryException(where(topic) + why);
    }

    /**
     * Errors after which the producer fails every send until it is closed (Kafka: "the producer must be closed"):
     * fenced, not allowed idempotent writes, a lost sequence, or closed under us.
     */
    static boolean fatal(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof ProducerFencedException || x instanceof InvalidProducerEpochException
                    || x instanceof OutOfOrderSequenceException || x instanceof ClusterAuthorizationException
                    || x instanceof TransactionalIdAuthorizationException) {
                return true;
            }
            if (x instanceof IllegalStateException && x.getMessage() != null
                    && x.getMessage().contains("producer has been closed")) {
                return true;
            }
        }
        return false;
    }

    /** Swaps in a new producer if {@code broken} is still the current one: of many threads failing on it, one does. */
    private void replace(Producer<byte[], byte[]> broken, String why) {
        synchronized (this) {
            if (closed || producer != broken) {
                return;
            }
            try {
                producer = producers.get();
            } catch (RuntimeException e) {
                log.warn("kafka target '{}': the producer is broken ({}) and a new one cannot be made ({}); trying"
                        + " again at the next failure", name, why, e.getClass().getSimpleName());
                return;
            }
        }
        metrics.producerRecreated();
        log.warn("kafka target '{}': the producer is broken ({}); replaced by a new one", name, why);
        closeInBackground(broken, Duration.ZERO);
    }

    private void closeInBackground(Producer<byte[], byte[]> p, Duration timeout) {
        try {
            closer.execute(() -> {
                try {
                    p.close(timeout);
                } catch (RuntimeException e) {
                    // it was broken already: whatever it says now does not matter
                }
            });
        } catch (RejectedExecutionException e) {
            // the target is closing: the JVM's exit takes the daemon thread with it
        }
    }

    private static KafkaMetrics.Outcome classify(Throwable t) {
        if (t instanceof TimeoutException) {
            String m = t.getMessage();
            return m != null && m.contains("metadata") ? KafkaMetrics.Outcome.METADATA : KafkaMetrics.Outcome.TIMEOUT;
        }
        return t instanceof InterruptException ? KafkaMetrics.Outcome.INTERRUPTED : KafkaMetrics.Outcome.REJECTED;
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
        Producer<byte[], byte[]> p;
        synchronized (this) {
            closed = true;
            p = producer;
        }
        try {
            p.close(settings.closeTimeout());
        } finally {
            closer.shutdown(); // a replaced producer still closing finishes on its daemon thread, or dies with the JVM
        }
    }

    /** Why a record was not acknowledged: the entry's last error, read by the integrator; no credentials in it. */
    static final class KafkaDeliveryException extends Exception {
        KafkaDeliveryException(String message) {
            super(message);
        }
    }
}
