package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.client.PemTrust;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.testing.SelfSignedPem;
import io.qimencallback.server.testing.SleepHandler;
import io.qimencallback.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process HTTPS on the public port, from PEM files. */
class TlsTest {
    @TempDir
    static Path dir;
    private static SelfSignedPem pem;

    @BeforeAll
    static void certificate() throws Exception {
        pem = SelfSignedPem.create(dir);
    }

    @Test
    void signedCallOverHttps() throws Exception {
        try (TestServer s = TestServer.start(c -> c.tlsCertFile(pem.cert()).tlsKeyFile(pem.key()), new SleepHandler())) {
            assertThat(s.serviceUrl().getScheme()).isEqualTo("https");
            GatewayClient gateway = new GatewayClient(s.serviceUrl(), Duration.ofSeconds(10), PemTrust.context(pem.cert()));

            GatewayResponse answer = gateway.send(s.call("test.sleep").build());

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.isSuccess()).as(answer.text()).isTrue();
            GatewayRequest wrong = GatewayRequest.builder("test.sleep").appKey(TestServer.APP_KEY).secret("wrong").build();
            assertThat(gateway.send(wrong).code()).isEqualTo("sign-check-failure");
        }
    }

    @Test
    void plainHttpAndUntrustedClientsGetNoAnswer() {
        try (TestServer s = TestServer.start(c -> c.tlsCertFile(pem.cert()).tlsKeyFile(pem.key()), new SleepHandler())) {
            URI plain = URI.create("http://127.0.0.1:" + s.server().port() + "/qimen");
            GatewayRequest call = s.call("test.sleep").build();

            assertThatThrownBy(() -> new GatewayClient(plain, Duration.ofSeconds(10)).send(call))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> new GatewayClient(s.serviceUrl(), Duration.ofSeconds(10)).send(call))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void certificateAndKeyGoTogetherAndMustBeReadable() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:s-0123456789abcdef",
                "QIMEN_TLS_CERT_FILE", pem.cert().toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_TLS_KEY_FILE");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:s-0123456789abcdef",
                "QIMEN_TLS_CERT_FILE", pem.cert().toString(), "QIMEN_TLS_KEY_FILE", dir.resolve("missing.key").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_TLS_KEY_FILE").hasMessageContaining("readable");
    }

    @Test
    void aKeyThatIsNotPemStopsStartupNamingTheSettings() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.key"), "not a key\n");
        assertThatThrownBy(() -> TestServer.start(c -> c.tlsCertFile(pem.cert()).tlsKeyFile(bad)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("QIMEN_TLS_KEY_FILE");
    }
}
