package io.qimencallback.server.target.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.Targets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a {@code kafka} section may say, and what it may not weaken. No broker needed. */
class KafkaSettingsTest {
    private static KafkaSettings read(Map<String, String> extra) {
        return read(extra, Map.of());
    }

    private static KafkaSettings read(Map<String, String> extra, Map<String, String> env) {
        Map<String, String> yaml = new HashMap<>(Map.of("type", "kafka", "bootstrap_servers", "127.0.0.1:9092"));
        yaml.putAll(extra);
        return KafkaSettings.read(Section.of("targets", "log", yaml, env), Duration.ofSeconds(10));
    }

    @Test
    void theDefaultsKeepTheGuarantee() {
        KafkaSettings s = read(Map.of());
        assertThat(s.topic()).isEqualTo("qimen.{method}");
        assertThat(s.deliveryTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.producer()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("security.protocol", "PLAINTEXT").containsEntry("client.id", "qimen-log")
                .containsEntry("compression.type", "none");
        long block = Long.parseLong((String) s.producer().get("max.block.ms"));
        long delivery = Long.parseLong((String) s.producer().get("delivery.timeout.ms"));
        long request = Long.parseLong((String) s.producer().get("request.timeout.ms"));
        long linger = Long.parseLong((String) s.producer().get("linger.ms"));
        assertThat(block + delivery).isEqualTo(10_000);
        assertThat(delivery).isGreaterThanOrEqualTo(linger + request); // Kafka refuses the producer otherwise
    }

    @Test
    void theTimeoutDefaultsToTheHandlerTimeoutWithinTheLease() {
        Section s = Section.of("targets", "log", Map.of("bootstrap_servers", "h:9092"), Map.of());
        assertThat(KafkaSettings.read(s, Duration.ofMinutes(5)).deliveryTimeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(KafkaSettings.read(s, Duration.ofMillis(100)).deliveryTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> read(Map.of("delivery_timeout", "90s"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.log.delivery_timeout").hasMessageContaining("lease");
        assertThatThrownBy(() -> read(Map.of("delivery_timeout", "soon"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.log.delivery_timeout");
    }

    @Test
    void otherProducerPropertiesPassThroughFromTheFileOrTheEnvironment() {
        KafkaSettings s = read(Map.of("producer.linger.ms", "20", "producer.compression.type", "gzip"),
                Map.of("QIMEN_TARGETS_LOG_PRODUCER_BATCH_SIZE", "65536"));
        assertThat(s.producer()).containsEntry("linger.ms", "20").containsEntry("compression.type", "gzip")
                .containsEntry("batch.size", "65536");
    }

    @Test
    void whatWouldWeakenTheGuaranteeIsRefused() {
        for (String key : List.of("producer.acks", "producer.enable.idempotence", "producer.retries",
                "producer.max.in.flight.requests.per.connection", "producer.transactional.id",
                "producer.delivery.timeout.ms", "producer.request.timeout.ms", "producer.max.block.ms",
                "producer.partitioner.class", "producer.partitioner.ignore.keys", "producer.bootstrap.servers")) {
            assertThatThrownBy(() -> read(Map.of(key, "1"))).as(key).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("targets.log." + key).hasMessageContaining("cannot be changed");
        }
        assertThatThrownBy(() -> read(Map.of("producer.sasl.jaas.config", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sasl_password_file");
        assertThatThrownBy(() -> read(Map.of("producer.compression.type", "zstd"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("none or gzip");
        assertThatThrownBy(() -> read(Map.of("producer.lingr.ms", "5"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a Kafka producer property");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> KafkaSettings.read(Section.of("targets", "log", Map.of("type", "kafka"), Map.of()),
                Duration.ofSeconds(10))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.log.bootstrap_servers is not set");
        assertThatThrownBy(() -> read(Map.of("bootstrap_server", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.log.bootstrap_server: unknown key");
        assertThatThrownBy(() -> read(Map.of("topic", "qimen/{method}"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.log.topic");
        assertThatThrownBy(() -> read(Map.of("sasl_mechanism", "GSSAPI", "sasl_username", "u", "sasl_password", "p")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not supported");
        assertThatThrownBy(() -> read(Map.of("sasl_mechanism", "PLAIN", "sasl_username", "u")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl_password_file is not set");
        assertThatThrownBy(() -> read(Map.of("sasl_username", "u"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sasl_mechanism is not set");
        assertThatThrownBy(() -> read(Map.of("ssl_ca", "not pem"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.log.ssl_ca_file: not a PEM");
    }

    @Test
    void saslBecomesAJaasLineTheProducerHides() {
        KafkaSettings s = read(Map.of("sasl_mechanism", "scram-sha-512", "sasl_username", "qimen",
                "sasl_password", "pa\"ss\\word", "tls", "true"));
        assertThat(s.producer()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"qimen\" password=\"pa\\\"ss\\\\word\";");
        assertThat(s.describe()).doesNotContain("pa\"ss").startsWith("sasl_ssl://127.0.0.1:9092");
        assertThat(s.toString()).doesNotContain("pa\"ss");
    }

    @Test
    void theServerKnowsTheType() {
        try (Targets t = Targets.open(List.of(Section.of("targets", "log",
                        Map.of("type", "kafka", "bootstrap_servers", "127.0.0.1:1"), Map.of())),
                new TargetEnvironment(new SimpleMeterRegistry(), Duration.ofSeconds(10)), Targets.TYPES)) {
            assertThat(t.get("log")).hasValueSatisfying(target -> {
                assertThat(target.type()).isEqualTo("kafka");
                assertThat(target.forwarder()).as("a topic cannot answer a call").isNull();
            });
        }
    }

    /**
     * The inbox lets a delivery run the target's deliveryTimeout (delivery_timeout and its slack): even at the largest
     * delivery_timeout, or a handler timeout above it, that ends before the inbox's shortest lease of a minute.
     */
    @Test
    void theLongestDeliveryStaysWithinTheInboxsLease() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        for (Map<String, String> keys : List.of(Map.of("delivery_timeout", "50s"), Map.<String, String>of())) {
            Map<String, String> yaml = new HashMap<>(Map.of("type", "kafka", "bootstrap_servers", "127.0.0.1:9"));
            yaml.putAll(keys);
            try (var t = new KafkaTargetType().create(Section.of("targets", "log", yaml, Map.of()),
                    new TargetEnvironment(meters, Duration.ofMinutes(5)))) {
                assertThat(t.deliveryTimeout()).as("%s", keys).contains(Duration.ofSeconds(51));
                assertThat(t.deliveryTimeout().orElseThrow()).isLessThan(Duration.ofMinutes(1));
            }
            meters.clear();
        }
        assertThatThrownBy(() -> read(Map.of("delivery_timeout", "51s")))
                .hasMessageContaining("targets.log.delivery_timeout").hasMessageContaining("lease");
    }
}
