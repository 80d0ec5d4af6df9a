package io.qimencallback.server.target.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.client.PemTrust;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.testing.SelfSignedPem;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
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

    /**
     * cert_file and key_file make the context present a client certificate: a real TLS handshake on loopback against
     * a server that requires one and trusts only that certificate (no TLS broker needed), host name verified.
     */
    @Test
    void aClientCertificateAndKeyGiveMutualTls(@TempDir Path dir) throws Exception {
        SelfSignedPem server = SelfSignedPem.create(Files.createDirectory(dir.resolve("server")));
        SelfSignedPem client = SelfSignedPem.create(Files.createDirectory(dir.resolve("client")));
        RabbitMqSettings s = settings(Map.of("uri", "amqps://127.0.0.1", "ca_file", server.cert().toString(),
                "cert_file", client.cert().toString(), "key_file", client.key().toString()));
        assertThat(s.toString()).doesNotContain("PRIVATE KEY");

        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(ClientTls.keyManagers(new ClientTls.Identity(Files.readString(server.cert()),
                Files.readString(server.key()))), PemTrust.trustManagers(Files.readString(client.cert())), null);
        Certificate expected = CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(client.cert()));
        assertThat(handshake(s.tls(), serverContext)).isEqualTo(expected);
        // without cert_file the same server refuses the handshake: the certificate is what it accepted
        RabbitMqSettings anonymous = settings(Map.of("uri", "amqps://127.0.0.1", "ca_file", server.cert().toString()));
        assertThatThrownBy(() -> handshake(anonymous.tls(), serverContext)).isInstanceOf(Exception.class);
    }

    /** One TLS handshake on loopback to a server that needs a client certificate; returns the one it was shown. */
    private static Certificate handshake(SSLContext clientContext, SSLContext serverContext) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            Future<Certificate> peer = pool.submit(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(30_000);
                    accepted.startHandshake();
                    Certificate presented = accepted.getSession().getPeerCertificates()[0];
                    accepted.getOutputStream().write(1);
                    accepted.getOutputStream().flush();
                    return presented;
                }
            });
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                socket.setSoTimeout(30_000);
                SSLParameters p = socket.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // as the target's enableHostnameVerification
                socket.setSSLParameters(p);
                socket.startHandshake();
                if (socket.getInputStream().read() != 1) {
                    throw new IllegalStateException("the server closed the connection");
                }
            }
            return peer.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badClientCertificateFilesStopTheStartNamingTheKey(@TempDir Path dir) throws Exception {
        SelfSignedPem one = SelfSignedPem.create(Files.createDirectory(dir.resolve("one")));
        SelfSignedPem other = SelfSignedPem.create(Files.createDirectory(dir.resolve("other")));
        String cert = one.cert().toString();
        String key = one.key().toString();
        String secretKey = Files.readString(other.key());
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "cert_file", cert)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.key_file is not set");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "key_file", key)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.cert_file is not set");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqp://mq.internal", "cert_file", cert, "key_file", key)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.cert_file is for amqps://");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "cert_file", cert,
                "key_file", other.key().toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.queue.key_file: not the key of cert_file's first certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretKey.substring(40, 80)));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "cert_file", cert,
                "key_file", garbage.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.key_file: no -----BEGIN PRIVATE KEY");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "cert_file", cert,
                "key_file", pkcs1.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.key_file")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "cert_file", garbage.toString(),
                "key_file", key)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.queue.cert_file: ");
        Path missing = dir.resolve("absent.pem");
        assertThatThrownBy(() -> settings(Map.of("uri", "amqps://mq.internal", "cert_file", cert,
                "key_file", missing.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("key_file");
    }
}
