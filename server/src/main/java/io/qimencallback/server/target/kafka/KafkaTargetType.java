package io.qimencallback.server.target.kafka;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;

/**
 * {@code type: kafka}: an inbox consumer that publishes each entry to a Kafka topic and marks it done on the broker's
 * ack. A route {@code inbox <name>} sends entries here; a Kafka target cannot answer calls ({@code forward} is refused).
 *
 * <pre>
 * targets:
 *   log:
 *     type: kafka
 *     bootstrap_servers: "kafka-1:9093,kafka-2:9093"   # required
 *     topic: "qimen.{method}"         # default: one topic per normalized method (qimen.deliveryorder.create);
 *                                     # a fixed name puts every method on one topic
 *     client_id: qimen-log            # default qimen-&lt;name&gt;
 *     delivery_timeout: 10s           # default handler_timeout_millis, 1s..50s: a third waits for the topic's
 *                                     # metadata, the rest for the ack (the producer retries within it); the inbox
 *                                     # waits this plus 1 s, within its lease of at least a minute
 *     close_timeout: 5s               # how long stopping waits for records in flight
 *     ssl_ca_file: /etc/qimen/kafka-ca.pem          # PEM; turns TLS on (tls: true without it = the JVM's CAs)
 *     ssl_cert_file: /etc/qimen/kafka-client.pem    # mutual TLS: PEM certificate chain and
 *     ssl_key_file: /run/secrets/kafka-client.key   #   unencrypted PKCS#8 PEM key
 *     sasl_mechanism: SCRAM-SHA-512   # PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SASL_SSL with TLS, else SASL_PLAINTEXT)
 *     sasl_username: qimen
 *     sasl_password_file: /run/secrets/kafka-password
 *     producer.linger.ms: 10          # any other producer property, passed through
 * </pre>
 *
 * <p>Each record: key = the entry's business key (one document's events stay in order on one partition); value =
 * {@link io.qimencallback.server.target.Envelope#ofEntry} JSON; headers {@code qimen-entry-id} (deduplicate on it:
 * delivery is at least once), {@code qimen-method}, {@code qimen-business-key}, {@code qimen-attempt},
 * {@code qimen-call-id}.
 *
 * <p>Failures: no metadata for the topic (broker unreachable, or the topic missing with auto-creation off) means
 * nothing was sent, and the entry waits without using an attempt; anything after the send (no ack in time, refused)
 * costs one. The inbox waits delivery_timeout plus 1 s for a delivery. A producer in a fatal state (fenced, idempotent
 * writes not authorized, sequence lost) is replaced by a new one.
 *
 * <p>Fixed, and refused under {@code producer.*}: {@code acks=all}, {@code enable.idempotence=true}, retries,
 * {@code max.in.flight.requests.per.connection=5}, the three timeouts (from {@code delivery_timeout}), serializers,
 * the partitioner (the key decides the partition), {@code transactional.id}, bootstrap servers, client id, security
 * protocol, and every {@code sasl.*}/{@code ssl.keystore.*}/{@code ssl.truststore.*} property (credentials come from
 * the keys above, from files). {@code compression.type} may be {@code none} or {@code gzip}: the server's jar leaves
 * out the native zstd, lz4 and snappy libraries. The password is never logged: Kafka prints it as {@code [hidden]}.
 *
 * <p>Meters, labelled {@code target=<name>}: {@code qimen.kafka.published}, {@code qimen.kafka.confirmed},
 * {@code qimen.kafka.failed{outcome=metadata|timeout|rejected|interrupted}}, {@code qimen.kafka.ack.latency},
 * {@code qimen.kafka.producer.recreated}.
 */
public final class KafkaTargetType implements TargetType {
    public static final String TYPE = "kafka";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Target create(Section section, TargetEnvironment environment) {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(environment, "environment");
        KafkaSettings settings = KafkaSettings.read(section, environment.callTimeout());
        // the producer connects lazily: an unreachable broker leaves entries pending, not the server stopped
        Supplier<Producer<byte[], byte[]>> producers = () -> new KafkaProducer<>(settings.producer());
        try {
            return new KafkaTarget(section.name(), settings, producers,
                    new KafkaMetrics(environment.meters(), section.name()));
        } catch (KafkaException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigException("targets." + section.name() + ": cannot make a Kafka producer: "
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
    }
}
