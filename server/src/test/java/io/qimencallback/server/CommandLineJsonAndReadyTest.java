package io.qimencallback.server;

import static io.qimencallback.server.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.qimencallback.protocol.Samples;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Cli.Run;
import io.qimencallback.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --json} of send, selftest and verify; {@code wait-ready}; {@code serve --port --admin-port}. Real sockets. */
class CommandLineJsonAndReadyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Stdout is exactly one JSON document on one line. */
    private static JsonNode oneDocument(Run r) throws IOException {
        assertThat(r.out().strip()).as(r.err()).doesNotContain("\n");
        return JSON.readTree(r.out());
    }

    @Test
    void sendAndSelftestPrintOneJsonDocument() throws Exception {
        try (TestServer s = TestServer.start()) {
            String url = s.serviceUrl().toString();
            Run send = run("send", url, "--api", "inventory.query", "--app-key", TestServer.APP_KEY, "--secret",
                    TestServer.SECRET, "--json");
            JsonNode answer = oneDocument(send);
            assertThat(answer.get("url").asText()).isEqualTo(url);
            assertThat(answer.get("answered").asBoolean()).isTrue();
            assertThat(answer.get("httpStatus").asInt()).isEqualTo(200);
            assertThat(answer.get("contentType").asText()).startsWith("text/xml");
            // no handler, no route: a query is refused, never acknowledged empty
            assertThat(answer.get("flag").asText()).isEqualTo("failure");
            assertThat(answer.get("code").asText()).isEqualTo("invalid-method");
            assertThat(answer.get("message").asText()).startsWith("no handler answers method inventory.query");
            assertThat(answer.get("success").asBoolean()).isFalse();
            assertThat(answer.get("body").asText()).contains("<response>");
            assertThat(send.exit()).isEqualTo(1);
            Run plain = run("send", url, "--api", "inventory.query", "--app-key", TestServer.APP_KEY, "--secret",
                    TestServer.SECRET);
            assertThat(plain.out()).contains("<flag>failure</flag>", "<code>invalid-method</code>",
                    "no handler answers method inventory.query");
            // a push is stored
            Run push = run("send", url, "--api", "deliveryorder.create", "--app-key", TestServer.APP_KEY, "--secret",
                    TestServer.SECRET, "--json");
            assertThat(oneDocument(push).get("message").asText()).startsWith("stored as inbox entry ");
            assertThat(push.exit()).isZero();

            Run burst = run("send", url, "--method", "deliveryorder.create", "--app-key", TestServer.APP_KEY, "--secret",
                    TestServer.SECRET, "--repeat", "3", "--concurrency", "2", "--json");
            JsonNode summary = oneDocument(burst);
            assertThat(summary.get("sent").asInt()).isEqualTo(3);
            assertThat(summary.get("succeeded").asInt()).isEqualTo(3);
            assertThat(summary.at("/byOutcome/success").asInt()).isEqualTo(3);
            assertThat(summary.get("errors").asInt()).isZero();
            assertThat(summary.get("concurrency").asInt()).isEqualTo(2);
            assertThat(summary.at("/latencyMs/p50").asDouble()).isPositive();
            assertThat(summary.at("/latencyMs/max").asDouble()).isGreaterThanOrEqualTo(summary.at("/latencyMs/p50").asDouble());

            Run selftest = run("selftest", url, "--app-key", TestServer.APP_KEY, "--secret", TestServer.SECRET,
                    "--api", "deliveryorder.create", "--json");
            JsonNode report = oneDocument(selftest);
            assertThat(selftest.exit()).as(selftest.out()).isZero();
            assertThat(report.get("reachable").asBoolean()).isTrue();
            assertThat(report.get("passed").asBoolean()).isTrue();
            assertThat(report.get("checks").asInt()).isEqualTo(5).isEqualTo(report.get("verdicts").size());
            assertThat(report.get("failed").asInt()).isZero();
            assertThat(report.get("signMethod").asText()).isEqualTo("md5");
            JsonNode wrongSign = report.get("verdicts").get(1);
            assertThat(wrongSign.get("api").asText()).isEqualTo("deliveryorder.create");
            assertThat(wrongSign.get("check").asText()).isEqualTo("wrong sign");
            assertThat(wrongSign.get("result").asText()).isEqualTo("PASS");
            assertThat(wrongSign.get("alarm").asBoolean()).isFalse();
            assertThat(report.get("noRoute")).isEmpty();

            // a query with no route: the signature checks pass, the refusal is said for what it is
            Run query = run("selftest", url, "--app-key", TestServer.APP_KEY, "--secret", TestServer.SECRET,
                    "--api", "inventory.query", "--json");
            JsonNode q = oneDocument(query);
            assertThat(query.exit()).as(query.out()).isZero();
            assertThat(q.get("passed").asBoolean()).isTrue();
            assertThat(q.at("/verdicts/0/result").asText()).isEqualTo("PASS");
            assertThat(q.at("/verdicts/0/why").asText()).startsWith("refused: invalid-method (no route): signature"
                    + " accepted");
            assertThat(q.get("noRoute")).extracting(JsonNode::asText).containsExactly("inventory.query");
            Run text = run("selftest", url, "--app-key", TestServer.APP_KEY, "--secret", TestServer.SECRET,
                    "--api", "inventory.query", "--api", "deliveryorder.create");
            assertThat(text.exit()).as(text.out()).isZero();
            assertThat(text.out()).containsPattern("inventory\\.query +signed call +PASS +refused: invalid-method \\(no"
                    + " route\\)").containsPattern("deliveryorder\\.create +signed call +PASS +success")
                    .contains("note: signatures checked fine, but 1 API(s) are answered invalid-method",
                            ": inventory.query.").contains("PASSED: 10 checks, 0 failed");
        }
        Run unreachable = run("send", "http://127.0.0.1:1/qimen", "--method", "m", "--app-key", "k", "--secret", "s", "--json");
        assertThat(unreachable.exit()).isEqualTo(3);
        assertThat(oneDocument(unreachable).get("answered").asBoolean()).isFalse();
        Run noSelftest = run("selftest", "http://127.0.0.1:1/qimen", "--app-key", "k", "--secret", "s", "--json");
        assertThat(noSelftest.exit()).isEqualTo(3);
        assertThat(oneDocument(noSelftest).get("reachable").asBoolean()).isFalse();
    }

    @Test
    void verifyPrintsOneJsonDocumentWithoutTheSecret() throws Exception {
        Run ok = run("verify", "../examples/captures/deliveryorder.create.http", "--secret", Samples.SECRET, "--json");
        assertThat(ok.exit()).isZero();
        JsonNode v = oneDocument(ok);
        assertThat(v.get("verified").asBoolean()).isTrue();
        assertThat(v.get("receivedSign").asText()).isEqualTo("46379706CBFD137F602DFBFB4D93A820");
        assertThat(v.get("signMethod").asText()).isEqualTo("md5");
        assertThat(v.get("bodySigned").asBoolean()).isTrue();
        assertThat(v.at("/parameters/app_key").asText()).isEqualTo("query");
        assertThat(v.get("canonical").asText()).startsWith("«secret»app_key12345678");
        assertThat(v.at("/variants/0/match").asBoolean()).isTrue();
        assertThat(v.get("difference").isNull()).isTrue();
        assertThat(v.get("explanation").asText()).startsWith("Signature: VERIFIED");
        assertThat(ok.out()).doesNotContain(Samples.SECRET);

        Run tampered = run("verify", "../examples/captures/deliveryorder.create.tampered.http", "--secret", Samples.SECRET,
                "--json");
        assertThat(tampered.exit()).isEqualTo(1);
        JsonNode t = oneDocument(tampered);
        assertThat(t.get("verified").asBoolean()).isFalse();
        assertThat(t.get("notes").size()).isPositive();
        assertThat(tampered.out()).doesNotContain(Samples.SECRET);
    }

    @Test
    void waitReadyReturnsOnceTheServerIsReady() {
        try (TestServer s = TestServer.start()) {
            Run r = run("wait-ready", "http://127.0.0.1:" + s.server().adminPort() + "/health/ready", "--timeout", "10s");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("ready: http://127.0.0.1:" + s.server().adminPort() + "/health/ready (after ");
        }
    }

    @Test
    void waitReadyGivesUpAfterItsTimeoutWithTheLastAnswer() throws Exception {
        int nobody = freePort();
        long start = System.nanoTime();
        Run refused = run("wait-ready", "http://127.0.0.1:" + nobody + "/health/ready", "--timeout", "1s");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("not ready after 1s: http://127.0.0.1:" + nobody + "/health/ready"
                + " (last: connection refused)\n");
        assertThat(tookMs).isBetween(900L, 5000L);

        HttpServer starting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        starting.createContext("/health/ready", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        starting.start();
        try {
            Run notYet = run("wait-ready", "http://127.0.0.1:" + starting.getAddress().getPort() + "/health/ready",
                    "--timeout", "700ms", "--interval", "100ms");
            assertThat(notYet.exit()).isEqualTo(1);
            assertThat(notYet.err()).startsWith("not ready after 700ms: ").endsWith("(last: HTTP 503)\n");
        } finally {
            starting.stop(0);
        }
    }

    @Test
    void serveFlagsOverrideTheEnvironmentAndTheSettingsFile(@TempDir Path dir) throws Exception {
        int envPort = freePort();
        int envAdmin = freePort();
        int filePort = freePort();
        int port = freePort();
        int admin = freePort();
        Path config = Files.writeString(dir.resolve("qimen.yml"), "port: " + filePort + "\nadmin_port: " + filePort + "\n");
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--config", config.toString(), "--port", Integer.toString(port), "--admin-port", Integer.toString(admin))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QIMEN_PORT", Integer.toString(envPort));
        pb.environment().put("QIMEN_ADMIN_PORT", Integer.toString(envAdmin));
        pb.environment().put("QIMEN_BIND", "127.0.0.1");
        pb.environment().put("QIMEN_DATA_DIR", dir.resolve("data").toString());
        Process server = pb.start();
        try {
            Run ready = run("wait-ready", "http://127.0.0.1:" + admin + "/health/ready", "--timeout", "60s");
            assertThat(ready.exit()).as("%s\n%s", ready.err(), Files.readString(log)).isZero();
            GatewayResponse r = new GatewayClient(URI.create("http://127.0.0.1:" + port + "/qimen"), Duration.ofSeconds(10), null)
                    .send(GatewayRequest.builder("deliveryorder.create").appKey("12345678").secret("demo-secret-0123456789")
                            .xmlBody("<request><deliveryOrder><deliveryOrderCode>D1</deliveryOrderCode></deliveryOrder></request>")
                            .build());
            assertThat(r.status()).isEqualTo(200);
            for (int other : new int[] {envPort, envAdmin, filePort}) {
                assertThat(listening(other)).as("port %s", other).isFalse();
            }
            assertThat(Files.readString(log)).contains("service address: http://127.0.0.1:" + port + "/qimen");
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
