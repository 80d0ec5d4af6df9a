package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.AppsFile;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.LiveSecrets;
import io.qimencallback.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppsFileTest {

    @Test
    void linesFormatSplitsOnTheFirstColonAndSkipsComments(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("apps"), """
                # production
                12345678:s1

                  12345678 : s:with,commas
                *:shared
                """);
        AppSecrets apps = AppsFile.read(file);

        assertThat(apps.secretsFor("12345678")).containsExactly("s1", "s:with,commas", "shared");
        assertThat(apps.secretCount()).isEqualTo(3);
    }

    @Test
    void yamlFormatByFileName(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("apps.yaml"), """
                "12345678": [new, old]
                "87654321": other
                """);
        AppSecrets apps = AppsFile.read(file);

        assertThat(apps.secretsFor("12345678")).containsExactly("new", "old");
        assertThat(apps.secretsFor("87654321")).containsExactly("other");
    }

    @Test
    void badFilesNameTheLineButNeverItsContent(@TempDir Path dir) throws Exception {
        Path noColon = Files.writeString(dir.resolve("a.txt"), "k:s\nsecret-looking-text\n");
        assertThatThrownBy(() -> AppsFile.read(noColon)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("a.txt:2").hasMessageNotContaining("secret-looking-text");
        Path empty = Files.writeString(dir.resolve("b.txt"), "# nothing yet\n");
        assertThatThrownBy(() -> AppsFile.read(empty)).hasMessageContaining("no appKey:secret");
        Path yaml = Files.writeString(dir.resolve("c.yml"), "k: [unclosed-secret\n");
        assertThatThrownBy(() -> AppsFile.read(yaml)).hasMessageContaining("not valid YAML")
                .hasMessageNotContaining("unclosed-secret");
        assertThatThrownBy(() -> AppsFile.read(dir.resolve("missing"))).hasMessageContaining("cannot read");
    }

    @Test
    void fileAddsToTheEnvironmentAndIsNeverDemo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("apps"), "k:from-file-0123456\n");
        ServerConfig c = ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:from-env-01234567", "QIMEN_APPS_FILE", file.toString()));

        assertThat(c.demo()).isFalse();
        assertThat(c.apps().secretsFor("k")).containsExactly("from-env-01234567", "from-file-0123456");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_APPS_FILE", dir.resolve("none").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_APPS_FILE");
    }

    @Test
    void reloadSwapsTheWholeSetAndKeepsItWhenTheFileIsBad(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("apps"), "k:secret-one-0123456\n");
        LiveSecrets live = new LiveSecrets(ConfigLoader.load(null, Map.of("QIMEN_APPS_FILE", file.toString())));
        AppSecrets before = live.get();

        Files.writeString(file, "k:secret-two-0123456\nj:secret-three-01234\n");
        assertThat(live.reload()).isTrue();
        assertThat(live.get().secretsFor("k")).containsExactly("secret-two-0123456");
        assertThat(live.get().secretsFor("j")).containsExactly("secret-three-01234");
        assertThat(before.secretsFor("k")).containsExactly("secret-one-0123456"); // a call in progress keeps its set

        Files.writeString(file, "");
        assertThat(live.reload()).isFalse();
        assertThat(live.get().secretsFor("k")).containsExactly("secret-two-0123456");
    }

    @Test
    void reloadWithoutAFileChangesNothing() {
        LiveSecrets live = new LiveSecrets(ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:s-0123456789abcdef")));
        assertThat(live.reload()).isFalse();
        assertThat(live.get().secretsFor("k")).containsExactly("s-0123456789abcdef");
    }
}
