package io.qimencallback.server.target.polyglot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.target.polyglot.ErpExample.Language;
import io.qimencallback.server.testing.Cli;
import io.qimencallback.server.testing.Cli.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The "forward to your ERP" quick start, as a user runs it: the shipped {@code examples/forward-python/qimen-erp.yml}
 * (two route lines and an {@code http} target), a real server, each example ERP as a child process, and the
 * {@code send} command playing the gateway. {@code send --api inventory.query} shows the ERP's stock in the Qimen
 * answer; {@code send --api deliveryorder.create} sent while the ERP is down reaches it once it is up, exactly once.
 */
class ForwardExamplesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONFIG = Path.of("../examples/forward-python/qimen-erp.yml");
    private static final String APP_KEY = "12345678";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Language.class)
    void queryAnsweredByTheErp(Language language) throws Exception {
        try (Setup s = new Setup(dir)) {
            // the ERP is down: a query cannot be stored, so it fails, never an empty success
            Run down = send(s.url(), "inventory.query");
            assertThat(down.exit()).as(down.out() + down.err()).isEqualTo(1);
            assertThat(down.out()).contains("<flag>failure</flag>").doesNotContain("<flag>success</flag>");

            ErpExample erp = s.startErp(language);
            Run query = send(s.url(), "inventory.query");
            assertThat(query.exit()).as(query.out() + query.err() + erp.log()).isZero();
            assertThat(query.out()).contains("HTTP 200").contains("<flag>success</flag>")
                    .contains("<itemCode>SKU-TEE-WHT-M</itemCode>").contains("<quantity>128</quantity>")
                    .contains("<itemCode>SKU-TEE-BLK-L</itemCode>").contains("<quantity>42</quantity>");
            Run json = send(s.url(), "inventory.query", "--format", "json");
            assertThat(json.exit()).as(json.out() + json.err()).isZero();
            JsonNode answer = JSON.readTree(json.out().substring(json.out().indexOf('{')));
            assertThat(answer.at("/response/flag").asText()).isEqualTo("success");
            assertThat(answer.at("/response/items/item/0/quantity").asInt()).as(json.out()).isEqualTo(128);
            // a query is answered, not stored
            assertThat(s.admin("/api/inbox/1").statusCode()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void pushDeliveredOnceAfterTheErpCameUp(Language language) throws Exception {
        try (Setup s = new Setup(dir)) {
            // the ERP is down: the push is stored and acknowledged all the same, and its delivery fails
            Run push = send(s.url(), "deliveryorder.create");
            assertThat(push.exit()).as(push.out() + push.err()).isZero();
            assertThat(push.out()).contains("<flag>success</flag>").contains("stored as inbox entry 1");
            JsonNode failed = s.await(1, e -> !e.path("lastError").isNull(), "a failed delivery to the ERP that is down");
            assertThat(failed.path("status").asText()).isNotEqualTo("done");
            assertThat(failed.path("attempts").asInt()).as("an ERP that cannot be reached costs no attempt: %s", failed)
                    .isZero();

            ErpExample erp = s.startErp(language);
            // the stored push reaches the ERP on a retry, once
            JsonNode done = s.await(1, e -> e.path("status").asText().equals("done"), "entry 1 delivered");
            assertThat(done.path("attempts").asInt()).isGreaterThanOrEqualTo(1);
            JsonNode recorded = JSON.readTree(erp.get("/deliveryorders").body());
            assertThat(recorded.path("orders")).as(recorded.toString() + erp.log()).hasSize(1);
            assertThat(recorded.path("deliveries").asInt()).isEqualTo(1);
            JsonNode order = recorded.at("/orders/0");
            assertThat(order.path("deliveryOrderCode").asText()).startsWith("DO");
            assertThat(order.path("warehouseCode").asText()).isEqualTo("WH-HZ-01");
            assertThat(order.path("entryId").asLong()).isEqualTo(1);
            assertThat(order.path("webhookId").asText()).isEqualTo("1");
            assertThat(order.path("attempt").asInt()).isGreaterThanOrEqualTo(1);
            Thread.sleep(2_500); // more than two retry delays: nothing is delivered again
            assertThat(JSON.readTree(erp.get("/deliveryorders").body()).path("deliveries").asInt()).isEqualTo(1);

            // a second push, the ERP up: delivered too, another order
            Run second = send(s.url(), "deliveryorder.create");
            assertThat(second.out()).contains("stored as inbox entry 2");
            s.await(2, e -> e.path("status").asText().equals("done"), "entry 2 delivered");
            assertThat(JSON.readTree(erp.get("/deliveryorders").body()).path("orders")).hasSize(2);
            assertThat(erp.alive()).isTrue();
        }
    }

    /** The server on the shipped configuration, and later the ERP on the port that configuration was given. */
    private static final class Setup implements AutoCloseable {
        private final HttpClient http = HttpClient.newHttpClient();
        private final Path dir;
        private final int erpPort;
        private final Path secret;
        private final QimenServer server;
        private ErpExample erp;

        Setup(Path dir) throws Exception {
            this.dir = dir;
            this.erpPort = ErpExample.freePort();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            this.secret = dir.resolve("erp-secret.txt");
            Files.writeString(secret, "whsec_" + Base64.getEncoder().encodeToString(key) + "\n");
            // the shipped file as is; only what a test must move: ports, data directory, the ERP's port, a short
            // backoff, the secret file's place
            Map<String, String> env = Map.of(
                    "QIMEN_PORT", "0", "QIMEN_ADMIN_PORT", "0", "QIMEN_BIND", "127.0.0.1",
                    "QIMEN_DATA_DIR", dir.resolve("data").toString(),
                    "QIMEN_INBOX_RETRY_SECONDS", "1",
                    "QIMEN_TARGETS_ERP_URL", "http://127.0.0.1:" + erpPort + "/qimen",
                    "QIMEN_TARGETS_ERP_SECRET_FILE", secret.toString());
            this.server = QimenServer.start(ConfigLoader.load(CONFIG, env), HandlerRegistry.builder().build());
        }

        String url() {
            return "http://127.0.0.1:" + server.port() + "/qimen";
        }

        ErpExample startErp(Language language) throws Exception {
            erp = ErpExample.start(language, dir, Map.of("ERP_PORT", Integer.toString(erpPort),
                    "ERP_SECRET_FILE", secret.toString()));
            return erp;
        }

        HttpResponse<String> admin(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Polls the inbox entry on the admin API until {@code condition} holds. */
        JsonNode await(long id, Predicate<JsonNode> condition, String what) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String last = "";
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = admin("/api/inbox/" + id);
                last = "HTTP " + r.statusCode();
                if (r.statusCode() == 200) {
                    JsonNode entry = JSON.readTree(r.body());
                    last = "status " + entry.path("status").asText() + ", attempts " + entry.path("attempts").asInt()
                            + ", last error " + entry.path("lastError");
                    if (condition.test(entry)) {
                        return entry;
                    }
                }
                Thread.sleep(100);
            }
            throw new AssertionError("never saw " + what + "; entry " + id + ": " + last
                    + (erp == null ? "" : "\n" + erp.log()));
        }

        @Override
        public void close() {
            if (erp != null) {
                erp.close();
            }
            server.stop();
        }
    }

    private static Run send(String url, String api, String... more) {
        String[] args = new String[8 + more.length];
        System.arraycopy(new String[] {"send", url, "--api", api, "--app-key", APP_KEY, "--secret", Samples.SECRET},
                0, args, 0, 8);
        System.arraycopy(more, 0, args, 8, more.length);
        return Cli.run(args);
    }
}
