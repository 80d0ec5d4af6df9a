package io.qimencallback.server.target.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rabbitmq section: defaults, refusals that name the key, secrets kept out of every message. */
class RabbitMqSettingsTest {
    private static RabbitMqSettings settings(Map<String, String> keys) {
        return settings(keys, Map.of());
    }

    private static RabbitMqSettings settings(Map<String, String> keys, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("type", "rabbitmq"));
        all.putAll(keys);
        return RabbitMqSettings.of(Section.of("targets", "queue", all, env));
    }

    @Test
    void defaults() {
        RabbitMqSettings s = settings(Map.of("uri", "amqp://mq.internal"));
        assertThat(s.host()).isEqualTo("mq.internal");
        assertThat(s.port()).isEqualTo(5672);
        assertThat(s.tls()).isNull();
        assertThat(s.virtualHost()).isEqualTo("/");
        assertThat(s.exchange()).isEqualTo("qimen");
        assertThat(s.declare()).isTrue();
        assertThat(s.mandatory()).isTrue();
        assertThat(s.routingKey()).hasToString("qimen.{method}");
        assertThat(s.confirmTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.username()).isNull();
        assertThat(s.describe()).isEqualTo("amqp://mq.internal:5672 vhost /, exchange qimen, routing key qimen.{method}");
    }

    @Test
    void amqpsWithTheVirtualHostInThePathAndAPasswordFromAFile(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("mq"), "s3cr3t-Pa55\n");
        RabbitMqSettings s = settings(Map.of("uri", "amqps://mq.internal/wms%2Fprod", "username", "qimen",
                "password_file", secret.toString(), "confirm_timeout", "5s"));
        assertThat(s.port()).isEqualTo(5671);
        assertThat(s.tls()).isNotNull();
        assertThat(s.virtualHost()).isEqualTo("wms/prod");
        assertThat(s.password()).isEqualTo("s3cr3t-Pa55");
        assertThat(s.confirmTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("amqps://mq.internal:5671", "user qimen");
    }

    @Test
    void theEnvironmentOverridesTheFile() {
        RabbitMqSettings s = settings(Map.of("uri", "amqp://mq.internal"),
                Map.of("QIMEN_TARGETS_QUEUE_EXCHANGE", "erp", "QIMEN_TARGETS_QUEUE_ROUTING_KEY", "wms.{method}"));
        assertThat(s.exchange()).isEqualTo("erp");
        assertThat(s.routingKey()).hasToString("wms.{method}");
    }

    @Test
    void credentialsInTheUriAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://qimen:hunter2@mq.internal")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.queue.uri").hasMessageContaining("username and password_file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void refusalsNameTheKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> settings(Map.of())).hasMessageContaining("targets.queue.uri is not set");
        assertThatThrownBy(() -> settings(Map.of("uri", "http://mq.internal"))).hasMessageContaining("amqp://");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal?heartbeat=5")))
                .hasMessageContaining("query");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "routingkey", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key(s) routingkey");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "routing_key", "qimen.{appKey}")))
                .hasMessageContaining("targets.queue.routing_key: unknown placeholder {appKey}");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "routing_key", "a b")))
                .hasMessageContaining("targets.queue.routing_key");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "password", "x")))
                .hasMessageContaining("username is not").satisfies(e -> assertThat(e.getMessage()).doesNotContain("x'"));
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "confirm_timeout", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.confirm_timeout");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal/a", "virtual_host", "b")))
                .hasMessageContaining("virtual host is set twice");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "ca_file", ca.toString())))
                .hasMessageContaining("ca_file is for amqps://");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "ca_file", ca.toString())))
                .hasMessageContaining("targets.queue.ca_file: not PEM certificates");
    }
}
