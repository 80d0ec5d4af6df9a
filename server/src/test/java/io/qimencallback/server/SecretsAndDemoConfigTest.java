package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.config.AdminToken;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.LiveSecrets;
import io.qimencallback.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What start refuses: demo credentials where they would be served to others, short secrets, bad admin tokens. */
class SecretsAndDemoConfigTest {
    private static final String LONG = "a-secret-of-16ch"; // exactly the minimum
    private static final String SHORT = "short-secret-15"; // one less

    @Test
    void unsetAppsStillGiveTheLoopbackDemo() {
        ServerConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.demo()).isTrue();
        assertThat(c.apps().loopbackOnly()).isTrue();
        assertThat(c.apps().secretsFor("any")).containsExactly(ServerConfig.DEMO_SECRET);
    }

    @Test
    void appsSetButEmptyIsRefusedNotTheDemo(@TempDir Path dir) throws Exception {
        for (String blank : new String[] {"", "  "}) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", blank)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("QIMEN_APPS (apps) is set but empty")
                    .hasMessageContaining("demo credentials");
        }
        for (String yaml : new String[] {"apps:\n", "apps: ''\n", "apps: {}\n", "apps: []\n"}) {
            Path file = Files.writeString(dir.resolve("q.yml"), yaml);
            assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).as(yaml)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("set but empty");
        }
        // empty, but a secrets file is set: not the demo, nothing to refuse
        Path apps = Files.writeString(dir.resolve("apps.txt"), "k:" + LONG + "\n");
        ServerConfig c = ConfigLoader.load(null, Map.of("QIMEN_APPS", "", "QIMEN_APPS_FILE", apps.toString()));
        assertThat(c.demo()).isFalse();
        assertThat(c.apps().loopbackOnly()).isFalse();
    }

    @Test
    void demoCredentialsAreRefusedBehindATrustedProxy() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_TRUSTED_PROXIES", "127.0.0.1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("QIMEN_TRUSTED_PROXIES")
                .hasMessageContaining("demo credentials are never served behind a proxy")
                .hasMessageContaining("QIMEN_APPS");
        assertThat(ConfigLoader.load(null, Map.of("QIMEN_TRUSTED_PROXIES", "127.0.0.1", "QIMEN_APPS", "k:" + LONG))
                .trustedProxies()).hasSize(1);
    }

    @Test
    void secretsShorterThan16CharactersAreRefusedNamingTheAppKeyOnly(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", "good:" + LONG + ",weak-key:" + SHORT)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("QIMEN_APPS").hasMessageContaining("'weak-key'").hasMessageContaining("16")
                .hasMessageNotContaining(SHORT).hasMessageNotContaining(LONG);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'k'");
        assertThatThrownBy(() -> ServerConfig.builder().apps(AppSecrets.parse("k:" + SHORT)).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("'k'");
        Path yaml = Files.writeString(dir.resolve("q.yml"), "apps:\n  \"123\": [" + LONG + ", " + SHORT + "]\n");
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'123'").hasMessageNotContaining(SHORT);
        Path file = Files.writeString(dir.resolve("apps.txt"), "file-key:" + SHORT + "\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS_FILE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("QIMEN_APPS_FILE").hasMessageContaining("'file-key'").hasMessageNotContaining(SHORT);

        assertThat(ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:" + LONG)).apps().secretsFor("k"))
                .containsExactly(LONG);
        assertThat(ServerConfig.DEMO_SECRET).hasSizeGreaterThanOrEqualTo(AppSecrets.MIN_SECRET_LENGTH);
    }

    @Test
    void aReloadWithAShortSecretKeepsTheOldSecrets(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("apps.txt"), "k:" + LONG + "\n");
        LiveSecrets live = new LiveSecrets(ConfigLoader.load(null, Map.of("QIMEN_APPS_FILE", file.toString())));
        Files.writeString(file, "k:" + SHORT + "\n");
        assertThat(live.reload()).isFalse();
        assertThat(live.get().secretsFor("k")).containsExactly(LONG);
    }

    @Test
    void demoCredentialsRefuseEveryClientButLoopback() {
        AppSecrets demo = AppSecrets.demo(ServerConfig.DEMO_SECRET);
        assertThat(demo.refuses("127.0.0.1")).isFalse();
        assertThat(demo.refuses("127.8.9.10")).isFalse();
        assertThat(demo.refuses("::1")).isFalse();
        assertThat(demo.refuses("0:0:0:0:0:0:0:1")).isFalse();
        assertThat(demo.refuses("203.0.113.9")).isTrue();
        assertThat(demo.refuses("192.168.1.2")).isTrue();
        assertThat(demo.refuses("fd00::2")).isTrue();
        assertThat(demo.refuses("localhost")).as("not an IP literal: never resolved, refused").isTrue();
        assertThat(demo.refuses("unknown")).isTrue();
        assertThat(demo.refuses("")).isTrue();
        assertThat(demo.refuses(null)).isTrue();
        AppSecrets configured = AppSecrets.parse("k:" + ServerConfig.DEMO_SECRET);
        assertThat(configured.refuses("203.0.113.9")).as("configured secrets serve any source").isFalse();
    }

    @Test
    void adminTokenIsReadTrimmedAndComparedAsABearerToken(@TempDir Path dir) throws Exception {
        String secret = "tok-0123456789abcdef";
        AdminToken token = AdminToken.read(Files.writeString(dir.resolve("token"), secret + "\n"));
        assertThat(token.matches("Bearer " + secret)).isTrue();
        assertThat(token.matches("bearer  " + secret + " ")).isTrue();
        assertThat(token.matches("Bearer " + secret + "x")).isFalse();
        assertThat(token.matches("Bearer " + secret.substring(1))).isFalse();
        assertThat(token.matches(secret)).isFalse();
        assertThat(token.matches("Basic " + secret)).isFalse();
        assertThat(token.matches("Bearer")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain(secret);

        Path shortToken = Files.writeString(dir.resolve("short"), "tooshort\n");
        assertThatThrownBy(() -> AdminToken.read(shortToken)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("QIMEN_ADMIN_TOKEN_FILE").hasMessageContaining("16").hasMessageNotContaining("tooshort");
        Path spaced = Files.writeString(dir.resolve("spaced"), "two words of a token\n");
        assertThatThrownBy(() -> AdminToken.read(spaced)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:" + LONG,
                "QIMEN_ADMIN_TOKEN_FILE", dir.resolve("missing").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_ADMIN_TOKEN_FILE");

        ServerConfig c = ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:" + LONG,
                "QIMEN_ADMIN_TOKEN_FILE", dir.resolve("token").toString()));
        assertThat(c.adminToken().matches("Bearer " + secret)).isTrue();
        assertThat(c.toString()).doesNotContain(secret);
    }
}
