package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaultsAreDemoOnLoopback() {
        ServerConfig c = ConfigLoader.load(null, Map.of());

        assertThat(c.demo()).isTrue();
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.adminPort()).isEqualTo(9090);
        assertThat(c.adminBind()).isEqualTo("127.0.0.1");
        assertThat(c.path()).isEqualTo("/qimen");
        assertThat(c.timestampTolerance()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxBodyBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.apps().secretsFor("anything")).containsExactly(ServerConfig.DEMO_SECRET);
    }

    @Test
    void yamlFileThenEnvironmentOverrides(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("qimen.yml"), """
                port: 18080
                path: /router/qimen/
                apps:
                  "12345678": [new-secret-0123456, old-secret-0123456]
                  "*": shared-secret-01234
                allowed_sources: [140.205.144.0/24, 140.205.145.0/24]
                timestamp_tolerance_minutes: 5
                """);
        ServerConfig c = ConfigLoader.load(file, Map.of("QIMEN_PORT", "28080", "QIMEN_TIMESTAMP_TOLERANCE_MINUTES", " ",
                "QIMEN_MAX_BODY_BYTES", "1024"));

        assertThat(c.demo()).isFalse();
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(28080);
        assertThat(c.path()).isEqualTo("/router/qimen");
        assertThat(c.timestampTolerance()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxBodyBytes()).isEqualTo(1024);
        assertThat(c.apps().secretsFor("12345678")).containsExactly("new-secret-0123456", "old-secret-0123456", "shared-secret-01234");
        assertThat(c.allowedSources()).hasSize(2);
        assertThat(c.allowedSources().get(0).contains("140.205.144.7")).isTrue();
    }

    @Test
    void appsFromTheEnvironment() {
        ServerConfig c = ConfigLoader.load(null, Map.of("QIMEN_APPS", "k1:s1-0123456789abcdef, k1:s:with:colons:0123456 ,k2:s2-0123456789abcdef"));

        assertThat(c.apps().secretsFor("k1")).containsExactly("s1-0123456789abcdef", "s:with:colons:0123456");
        assertThat(c.apps().secretsFor("k3")).isEmpty();
        assertThat(c.apps().toString()).doesNotContain("s1-", "s2-");
    }

    @Test
    void badSettingsNameThemselves(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_PORT", "eighty")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_PORT").hasMessageContaining("eighty");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_ALLOWED_SOURCES", "10.0.0.0/33")))
                .hasMessageContaining("QIMEN_ALLOWED_SOURCES");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS", "only-a-key-with-secret-like-text")))
                .hasMessageContaining("QIMEN_APPS").hasMessageNotContaining("only-a-key-with-secret-like-text");
        Path typo = Files.writeString(dir.resolve("bad.yml"), "prot: 80\n");
        assertThatThrownBy(() -> ConfigLoader.load(typo, Map.of()))
                .hasMessageContaining("unknown setting 'prot'");
    }

    @Test
    void demoCredentialsNeverLeaveLoopback() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_BIND", "0.0.0.0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_BIND").hasMessageContaining("QIMEN_APPS");
        assertThat(ConfigLoader.load(null, Map.of("QIMEN_BIND", "0.0.0.0", "QIMEN_APPS", "k:s-0123456789abcdef")).bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void theShippedExampleFileLoadsAndNeedsRealSecrets() {
        Path example = Path.of("../deploy/qimen.example.yml");
        assertThatThrownBy(() -> ConfigLoader.load(example, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_APPS");

        ServerConfig c = ConfigLoader.load(example, Map.of("QIMEN_APPS", "12345678:s3cret-0123456789"));
        assertThat(c.demo()).isFalse();
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.apps().secretsFor("12345678")).containsExactly("s3cret-0123456789");
    }

    @Test
    void yamlSecretsMayContainCommasAndColons(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("q.yml"), "apps:\n  \"k\": [\"ab,cd:ef-0123456789\"]\n");
        ServerConfig c = ConfigLoader.load(file, Map.of());

        assertThat(c.apps().secretsFor("k")).containsExactly("ab,cd:ef-0123456789");
        assertThat(c.apps().secretsFor("cd")).isEmpty();
    }

    @Test
    void everySettingHasAnEnvironmentNameAndADefaultThatParses() {
        for (io.qimencallback.server.config.Setting s : io.qimencallback.server.config.Setting.values()) {
            assertThat(s.env()).startsWith("QIMEN_").isUpperCase();
            if (s == io.qimencallback.server.config.Setting.APPS) {
                continue; // set but blank is refused, not the demo (SecretsAndDemoConfigTest)
            }
            assertThat(ConfigLoader.load(null, Map.of(s.env(), s.defaultValue().isEmpty() ? " " : s.defaultValue())))
                    .as(s.env()).isNotNull();
        }
    }

    @Test
    void everySettingIsInTheReadmeTableWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        for (io.qimencallback.server.config.Setting s : io.qimencallback.server.config.Setting.values()) {
            String cell = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
            assertThat(readme).contains("| `" + s.env() + "` | `" + s.key() + "` | " + cell + " |");
        }
    }
}
