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

    @Test
    void aValueFromTheEnvironmentBeatsTheFilesLiteralAndItsFileAndViceVersa(@TempDir Path dir) throws Exception {
        Path fromEnv = Files.writeString(dir.resolve("env-pw"), "from-the-environment");
        Path fromYaml = Files.writeString(dir.resolve("yaml-pw"), "from-the-yaml-file");
        // the finding: a literal in the file used to beat QIMEN_..._PASSWORD_FILE, and the file was ignored
        Section a = Section.of("plugins", "x", Map.of("password", "literal-in-yaml"),
                Map.of("QIMEN_PLUGINS_X_PASSWORD_FILE", fromEnv.toString()));
        assertThat(a.require("password")).isEqualTo("from-the-environment");
        assertThat(a.isSecret("password")).isTrue();
        // and a file named in the file loses to a literal in the environment
        Section b = Section.of("plugins", "x", Map.of("password_file", fromYaml.toString()),
                Map.of("QIMEN_PLUGINS_X_PASSWORD", "literal-in-env"));
        assertThat(b.require("password")).isEqualTo("literal-in-env");
        assertThat(b.keys()).containsExactly("password");
        assertThat(b.toString()).isEqualTo("x{password=****}");
        // with nothing in the environment the file's value (read from its file) stands
        Section c = Section.of("plugins", "x", Map.of("password_file", fromYaml.toString()), Map.of());
        assertThat(c.require("password")).isEqualTo("from-the-yaml-file");
    }

    @Test
    void aKeyGivenAsItselfAndAsAFileInOnePlaceStopsTheStartNamingIt(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "file-secret-value");
        assertThatThrownBy(() -> Section.of("plugins", "wms", Map.of("password", "yaml-secret-value",
                "password_file", pw.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins.wms: password and password_file are both set in the file")
                .hasMessageNotContaining("yaml-secret-value").hasMessageNotContaining("file-secret-value");
        assertThatThrownBy(() -> Section.of("targets", "erp", Map.of(), Map.of("QIMEN_TARGETS_ERP_SECRET",
                "env-secret-value", "QIMEN_TARGETS_ERP_SECRET_FILE", pw.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.erp: QIMEN_TARGETS_ERP_SECRET and QIMEN_TARGETS_ERP_SECRET_FILE are"
                        + " both set in the environment")
                .hasMessageNotContaining("env-secret-value");
        // one in each place is no conflict: the environment wins
        assertThat(Section.of("targets", "erp", Map.of("secret", "yaml-secret-value"),
                Map.of("QIMEN_TARGETS_ERP_SECRET_FILE", pw.toString())).require("secret"))
                .isEqualTo("file-secret-value");
    }

    @Test
    void sectionsWhoseVariablesOverlapAreRefusedNamingBoth() {
        assertThatThrownBy(() -> Section.requireSeparatePrefixes("plugins", java.util.List.of("wms-erp", "wms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins.wms and plugins.wms-erp")
                .hasMessageContaining("QIMEN_PLUGINS_WMS_ERP_*")
                .hasMessageContaining("rename one of them");
        assertThatThrownBy(() -> Section.requireSeparatePrefixes("targets", java.util.List.of("erp-a", "erp_a")))
                .hasMessageContaining("are both QIMEN_TARGETS_ERP_A_* in the environment");
        Section.requireSeparatePrefixes("plugins", java.util.List.of("wms", "wmserp", "erp", "wms"));
    }

    @Test
    void targetsWhoseVariablesOverlapStopTheLoadAndATypeKeyOfAKnownTargetIsNoNewTarget(@TempDir Path dir)
            throws Exception {
        Path yml = Files.writeString(dir.resolve("qimen.yml"), """
                targets:
                  wms: {type: http, url: "http://wms"}
                  wms-erp: {type: http, url: "http://erp"}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(yml, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.wms and targets.wms-erp").hasMessageContaining("rename one");
        // a section in the file, and one only the environment defines, shorter: the same refusal
        Path one = Files.writeString(dir.resolve("one.yml"), "targets:\n  wms-erp: {type: http, url: \"http://erp\"}\n");
        assertThatThrownBy(() -> ConfigLoader.load(one, Map.of("QIMEN_TARGETS_WMS_TYPE", "http")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("targets.wms and targets.wms-erp");
        // a Kafka property ending in _type is the target's key, not a target of its own
        ServerConfig c = ConfigLoader.load(null, Map.of("QIMEN_TARGETS_EVENTS_TYPE", "kafka",
                "QIMEN_TARGETS_EVENTS_PRODUCER_COMPRESSION_TYPE", "gzip", "QIMEN_TARGETS_MQ_TYPE", "rabbitmq"));
        assertThat(c.targets()).extracting(Section::name).containsExactly("events", "mq");
        assertThat(c.targets().get(0).require("producer_compression_type")).isEqualTo("gzip");
    }

    @Test
    void secretsByMoreNamesAndUrlCredentialsAndQueriesAreMaskedInTheSettingsLine() {
        Section s = Section.of("targets", "erp", Map.of("db_passwd", "pw-aaaa", "ftp_pwd", "pw-bbbb",
                "auth_header", "Basic cGw6cHc=", "client_credential", "cred-cccc", "private_key_pem", "pem-dddd",
                "sasl_jaas_config", "jaas-eeee", "url", "http://user:pa@ss@erp.local:8000/qimen?token=tok-ffff&x=1",
                "brokers", "amqp://guest:gg-hhhh@mq:5672,amqp://mq2:5672/?a=", "path", "/qimen?x"), Map.of());
        String line = s.toString();
        assertThat(line).doesNotContain("pw-aaaa", "pw-bbbb", "cGw6cHc", "cred-cccc", "pem-dddd", "jaas-eeee",
                        "user", "pa@ss", "ss@erp", "tok-ffff", "gg-hhhh", "guest")
                .contains("url=http://****@erp.local:8000/qimen?token=****&x=****",
                        "brokers=amqp://****@mq:5672,amqp://mq2:5672/?a=****", "path=/qimen?x");
        // the values themselves are untouched
        assertThat(s.require("url")).isEqualTo("http://user:pa@ss@erp.local:8000/qimen?token=tok-ffff&x=1");
        assertThat(Section.maskUrls("no url here ?a=b")).isEqualTo("no url here ?a=b");
        assertThat(Section.maskUrls("https://erp.local/x")).isEqualTo("https://erp.local/x");
    }
}
