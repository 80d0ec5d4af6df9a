package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.server.admin.AdminGuard;
import io.qimencallback.server.config.AdminToken;
import io.qimencallback.server.testing.TestServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port bound beyond loopback, over real sockets from a peer that is not loopback: this machine's own
 * non-loopback address (or, when it has none, 192.0.2.1 on a dummy interface created for the test), so the traffic
 * stays on this machine. Call data, the console, reveal, ack and retry need the admin token; /metrics and /health/*
 * answer anyone.
 */
class AdminAccessTest {
    private static final String TOKEN = "admin-token-0123456789abcdef";
    private static final String DUMMY = "qimentest0";
    private static final List<String> GUARDED = List.of("/", "/console", "/console.js", "/api/calls",
            "/api/calls/1?reveal=true", "/api/stats", "/api/signature-failures", "/api/inbox", "/api/inbox/1?reveal=true",
            "/nothing");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String address;
    private static boolean dummyCreated;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void findNonLoopbackAddress() throws Exception {
        address = nonLoopbackIpv4().orElse(null);
        if (address == null && run("ip", "link", "add", DUMMY, "type", "dummy")) {
            dummyCreated = true;
            if (run("ip", "addr", "add", "192.0.2.1/32", "dev", DUMMY) && run("ip", "link", "set", DUMMY, "up")) {
                address = "192.0.2.1";
            }
        }
        if (address == null) {
            System.err.println("AdminAccessTest SKIPPED: this machine has no non-loopback IPv4 address and cannot"
                    + " create a dummy interface (ip link add needs root)");
        }
        Assumptions.assumeTrue(address != null, "no non-loopback address to connect from");
    }

    @AfterAll
    static void removeDummy() throws Exception {
        if (dummyCreated) {
            run("ip", "link", "del", DUMMY);
        }
    }

    @Test
    void withoutTheTokenOnlyMonitoringAnswersAnotherMachine(@TempDir Path dir) throws Exception {
        Path token = tokenFile(dir);
        try (TestServer s = TestServer.start(c -> c.adminBind(address).adminTokenFile(token))) {
            s.send(s.call("deliveryorder.create")); // an inbox entry and a recent call to be kept from view
            for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
                assertThat(get(s, path, null).statusCode()).as(path).isEqualTo(200);
            }
            for (String path : GUARDED) {
                HttpResponse<String> r = get(s, path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.headers().firstValue("Content-Type")).as(path).contains("application/json; charset=utf-8");
                assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).contains("Bearer realm=\"qimen-admin\"");
                assertThat(JSON.readTree(r.body()).path("error").asText()).as(path)
                        .contains("Authorization: Bearer", "only /metrics and /health/* answer");
                HttpResponse<String> wrong = get(s, path, "Bearer " + TOKEN.substring(1));
                assertThat(wrong.statusCode()).as(path).isEqualTo(401);
                assertThat(wrong.body()).contains("invalid admin token").doesNotContain(TOKEN.substring(1));
            }
            String id = firstInboxId(s);
            for (String action : List.of("ack", "retry")) {
                HttpResponse<String> r = post(s, "/api/inbox/" + id + "/" + action, null);
                assertThat(r.statusCode()).as(action).isEqualTo(401);
            }
            assertThat(JSON.readTree(get(s, "/api/inbox/" + id, "Bearer " + TOKEN).body()).path("status").asText())
                    .as("nothing changed").isEqualTo("new");
        }
    }

    @Test
    void withTheTokenAnotherMachineGetsTheConsoleAndItsApi(@TempDir Path dir) throws Exception {
        Path token = tokenFile(dir);
        try (TestServer s = TestServer.start(c -> c.adminBind(address).adminTokenFile(token))) {
            s.send(s.call("deliveryorder.create"));
            String bearer = "Bearer " + TOKEN;
            for (String path : List.of("/", "/console.js", "/api/calls", "/api/stats", "/api/signature-failures",
                    "/api/inbox")) {
                assertThat(get(s, path, bearer).statusCode()).as(path).isEqualTo(200);
            }
            assertThat(get(s, "/nothing", bearer).statusCode()).isEqualTo(404);
            JsonNode calls = JSON.readTree(get(s, "/api/calls", bearer).body()).path("calls");
            assertThat(calls).hasSize(1);
            assertThat(get(s, "/api/calls/" + calls.get(0).path("id").asText() + "?reveal=true", bearer).statusCode())
                    .isEqualTo(200);
            String id = firstInboxId(s);
            HttpResponse<String> revealed = get(s, "/api/inbox/" + id + "?reveal=true", bearer);
            assertThat(revealed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(revealed.body()).path("masked").asBoolean()).isFalse();
            HttpResponse<String> ack = post(s, "/api/inbox/" + id + "/ack", bearer);
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            assertThat(JSON.readTree(ack.body()).path("status").asText()).isEqualTo("done");
            // the other rules still hold with a token: a cross-site style POST is refused
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(adminUri(s, "/api/inbox/" + id + "/retry"))
                    .header("Authorization", bearer).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void withoutAConfiguredTokenCallDataIsLoopbackOnly() throws Exception {
        try (TestServer s = TestServer.start(c -> c.adminBind(address))) {
            assertThat(get(s, "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(get(s, "/health/ready", null).statusCode()).isEqualTo(200);
            for (String path : GUARDED) {
                HttpResponse<String> r = get(s, path, "Bearer " + TOKEN);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).as(path).contains("loopback clients only", "no admin token is configured");
            }
        }
    }

    @Test
    void theStartWarningSaysWhatIsExposed(@TempDir Path dir) throws Exception {
        AdminGuard none = new AdminGuard("0.0.0.0");
        AdminGuard withToken = new AdminGuard("0.0.0.0", AdminToken.read(tokenFile(dir)));
        assertThat(none.exposureWarning("127.0.0.1", 9090)).isEmpty();
        assertThat(none.exposureWarning("localhost", 9090)).isEmpty();
        assertThat(none.exposureWarning("0.0.0.0", 9090)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("0.0.0.0:9090", "/metrics and /health/* answer any client", "reveal, ack and retry",
                        "loopback clients only: no admin token is configured");
        assertThat(withToken.exposureWarning(address, 9090)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains(address + ":9090", "Authorization: Bearer <admin token>").doesNotContain(TOKEN);
    }

    private static Path tokenFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
    }

    private String firstInboxId(TestServer s) throws Exception {
        JsonNode entries = JSON.readTree(get(s, "/api/inbox", "Bearer " + TOKEN).body()).path("entries");
        assertThat(entries).hasSize(1);
        return entries.get(0).path("id").asText();
    }

    private URI adminUri(TestServer s, String path) {
        return URI.create("http://" + address + ":" + s.server().adminPort() + path);
    }

    private HttpResponse<String> get(TestServer s, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(s, path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(TestServer s, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(s, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> nonLoopbackIpv4() throws SocketException {
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : ni.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
