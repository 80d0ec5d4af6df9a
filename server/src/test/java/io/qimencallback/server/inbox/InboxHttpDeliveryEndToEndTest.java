package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.LogCapture;
import io.qimencallback.server.testing.TestServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push routed {@code inbox erp} to an {@code http} target, through a real server and a real HTTP endpoint: the
 * envelope the endpoint receives carries the call's own id — the one in the access log and the console — and the
 * entry keeps where it went ({@code HTTP 200}), in the admin API and {@code inbox show}.
 */
class InboxHttpDeliveryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theDeliveredEnvelopeCarriesTheCallIdOfTheAccessLogAndTheConsole() throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        HttpServer erp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        erp.createContext("/qimen", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(in.readAllBytes());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        erp.start();
        Path data = dir.resolve("data");
        try (LogCapture access = LogCapture.of("qimen.access");
             TestServer s = TestServer.start(c -> c.dataDir(data)
                     .target("erp", Map.of("type", "http", "secret", "inbox-e2e-secret-0123456789",
                             "url", "http://127.0.0.1:" + erp.getAddress().getPort() + "/qimen"))
                     .route("deliveryorder.create", "inbox erp"), HandlerRegistry.builder().build())) {
            GatewayResponse r = s.send(s.call("deliveryorder.create").customerId("C1").xmlBody("<request><deliveryOrder>"
                    + "<deliveryOrderCode>DO-E2E</deliveryOrderCode></deliveryOrder></request>"));
            assertThat(r.isSuccess()).as(r.text()).isTrue();
            long id = Long.parseLong(r.message().replace("stored as inbox entry ", ""));

            byte[] body = received.poll(30, TimeUnit.SECONDS);
            assertThat(body).as("a delivery to the endpoint").isNotNull();
            JsonNode envelope = JSON.readTree(body);
            String callId = envelope.path("callId").asText();
            assertThat(envelope.path("entryId").asLong()).isEqualTo(id);
            assertThat(envelope.path("businessKey").asText()).isEqualTo("DO-E2E");

            // the console's id of the call
            JsonNode calls = JSON.readTree(s.admin("/api/calls").body()).path("calls");
            assertThat(calls).hasSize(1);
            assertThat(callId).isNotEqualTo("test").isEqualTo(calls.get(0).path("id").asText());
            // the access log's
            String line = access.lines().stream().filter(l -> l.contains("deliveryorder.create")).findFirst()
                    .orElseThrow(() -> new AssertionError("no access log line in:\n" + access.all()));
            Matcher m = Pattern.compile("\\bid=([^ ]+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            assertThat(m.group(1)).isEqualTo(callId);

            // where it went, once the entry is done
            InboxStore store = s.server().inbox().orElseThrow().store();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.get(id).orElseThrow().status() != InboxStatus.DONE) {
                assertThat(System.nanoTime()).as("entry %s done", id).isLessThan(deadline);
                Thread.sleep(20);
            }
            JsonNode entry = JSON.readTree(s.admin("/api/inbox/" + id).body());
            assertThat(entry.path("deliveredTo").asText()).isEqualTo("HTTP 200");
            assertThat(entry.path("callId").asText()).isEqualTo(callId);
            Path config = Files.writeString(dir.resolve("qimen.yml"), "data_dir: " + data + "\n");
            var show = io.qimencallback.server.testing.Cli.run("inbox", "--config", config.toString(), "show",
                    Long.toString(id), "--json");
            assertThat(JSON.readTree(show.out()).path("deliveredTo").asText()).as(show.err()).isEqualTo("HTTP 200");
            var list = io.qimencallback.server.testing.Cli.run("inbox", "--config", config.toString(), "list");
            assertThat(list.out()).contains("DELIVERED TO", "HTTP 200");
            assertThat(received).as("delivered once").isEmpty();
        } finally {
            erp.stop(0);
        }
    }
}
