package io.qimencallback.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SectionTest {

    @Test
    void theEnvironmentOverridesTheFileKeyByKey(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("pw"), "s3cret-from-a-file\n");
        Section s = Section.of("plugins", "wms-erp", Map.of("erp_url", "http://file", "timeout", "5s", "retries", "2"),
                Map.of("QIMEN_PLUGINS_WMS_ERP_ERP_URL", "http://env", "QIMEN_PLUGINS_WMS_ERP_PASSWORD_FILE",
                        secret.toString(), "QIMEN_PLUGINS_OTHER_ERP_URL", "http://not-mine", "QIMEN_PLUGINS_WMS_ERP_EXTRA", " "));
        assertThat(s.require("erp_url")).isEqualTo("http://env");
        assertThat(s.get("ERP-URL")).contains("http://env");
        assertThat(s.require("password")).isEqualTo("s3cret-from-a-file");
        assertThat(s.getDuration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.getInt("retries", 0)).isEqualTo(2);
        assertThat(s.getInt("missing", 7)).isEqualTo(7);
        assertThat(s.get("extra")).isEmpty();
        assertThat(s.keys()).contains("erp_url", "password", "timeout", "retries").doesNotContain("password_file");
        assertThat(s.toString()).contains("erp_url=http://env", "password=****").doesNotContain("s3cret");
    }

    @Test
    void secretsByNameAreMaskedAndErrorsNameTheSetting() {
        Section s = Section.of("targets", "erp", Map.of("api_token", "tok-1234567890", "port", "x", "on", "maybe"),
                Map.of());
        assertThat(s.toString()).doesNotContain("tok-1234567890");
        assertThatThrownBy(() -> s.getInt("port", 1)).hasMessageContaining("targets.erp.port");
        assertThatThrownBy(() -> s.getInt("api_token", 1)).hasMessageNotContaining("tok-1234567890");
        assertThatThrownBy(() -> s.getBoolean("on", false)).hasMessageContaining("targets.erp.on");
        assertThatThrownBy(() -> s.require("url")).hasMessageContaining("QIMEN_TARGETS_ERP_URL");
    }

    @Test
    void anUnreadableFileStopsTheStartWithoutItsContent(@TempDir Path dir) {
        assertThatThrownBy(() -> Section.of("plugins", "wms", Map.of("password_file", dir.resolve("none").toString()),
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("plugins.wms.password_file");
    }

    @Test
    void yamlSectionsAndTheRoutesTableLoad(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("qimen.yml"), """
                routes:
                  - inventory.query: forward erp
                  - "*.create": inbox erp
                  - "wdt.*": refuse
                targets:
                  erp: {type: http, url: "http://127.0.0.1:8000/qimen", secrets: [a, b]}
                plugins:
                  wms: {erp_url: "http://erp"}
                """);
        ServerConfig c = ConfigLoader.load(yml, Map.of("QIMEN_TARGETS_ERP_URL", "http://env/qimen",
                "QIMEN_TARGETS_MQ_TYPE", "rabbitmq", "QIMEN_PLUGINS_WMS_TOKEN", "t"));
        assertThat(c.routes()).extracting(Object::toString)
                .containsExactly("inventory.query: forward erp", "*.create: inbox erp", "wdt.*: refuse");
        assertThat(c.targets()).extracting(Section::name).containsExactly("erp", "mq");
        assertThat(c.targets().get(0).require("url")).isEqualTo("http://env/qimen");
        assertThat(c.targets().get(0).require("secrets")).isEqualTo("a,b");
        assertThat(c.pluginSettings("wms").require("erp_url")).isEqualTo("http://erp");
        assertThat(c.pluginSettings("wms").require("token")).isEqualTo("t");
        assertThat(c.pluginSectionNames()).containsExactly("wms");
    }

    @Test
    void theRoutesTableFromTheEnvironmentReplacesTheFilesAndBadLinesNameThemselves(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("qimen.yml"), "routes:\n  - a.query: refuse\n");
        ServerConfig c = ConfigLoader.load(yml, Map.of("QIMEN_ROUTES", "inventory.query=forward erp; *.create=inbox"));
        assertThat(c.routes()).extracting(Object::toString).containsExactly("inventory.query: forward erp", "*.create: inbox");
        Path bad = Files.writeString(dir.resolve("bad.yml"), "routes:\n  - a.query: refuse\n  - b.query: send erp\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[2]").hasMessageContaining("bad.yml").hasMessageContaining("send");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_ROUTES", "x.query=forward")))
                .hasMessageContaining("routes[1] (QIMEN_ROUTES)").hasMessageContaining("forward <target>");
    }
}
