package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Cli;
import io.qimencallback.server.testing.Cli.Run;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inbox replay} and {@code POST /api/inbox/{id}/replay}: a delivered entry is delivered again. */
class InboxReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENTRY_ORDER =
            "<request><entryOrder><entryOrderCode>EO-7</entryOrderCode><ownerCode>OWNER01</ownerCode></entryOrder></request>";

    /** Remembers every delivery. */
    static final class Recorder implements InboxHandler {
        final List<InboxDelivery> deliveries = new CopyOnWriteArrayList<>();

        @Override
        public Set<String> methods() {
            return Set.of("taobao.qimen.entryorder.create");
        }

        @Override
        public void deliver(InboxDelivery delivery) {
            deliveries.add(delivery);
        }
    }

    @TempDir
    Path dir;

    private final Recorder handler = new Recorder();
    private TestServer server;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        Path data = dir.resolve("data");
        config = Files.writeString(dir.resolve("qimen.yml"), "data_dir: " + data + "\n");
        server = TestServer.start(c -> c.dataDir(data).inboxRetryDelay(Duration.ofMillis(200)),
                HandlerRegistry.builder().add(handler).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private InboxStore store() {
        return server.server().inbox().orElseThrow().store();
    }

    private void awaitDeliveries(long id, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Predicate<InboxEntry> done = e -> e.status() == InboxStatus.DONE;
        while (handler.deliveries.size() < n || !done.test(store().get(id).orElseThrow())) {
            assertThat(System.nanoTime()).as("%s deliveries of entry %s after 15 s", handler.deliveries.size(), id)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aDoneEntryIsDeliveredAgainThroughTheAdminApiAndTheCommandLine() throws Exception {
        GatewayResponse r = server.send(server.call("entryorder.create").customerId("C1").xmlBody(ENTRY_ORDER));
        assertThat(r.isSuccess()).as(r.text()).isTrue();
        long id = store().list(InboxQuery.all()).get(0).id();
        awaitDeliveries(id, 1);
        assertThat(server.adminPost("/api/inbox/" + id + "/retry", "{}").statusCode()).as("retry: done").isEqualTo(409);

        HttpResponse<String> replay = server.adminPost("/api/inbox/" + id + "/replay", "{}");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(replay.body());
        assertThat(answer.get("id").asLong()).isEqualTo(id);
        assertThat(answer.get("status").asText()).isEqualTo("new");
        awaitDeliveries(id, 2);
        assertThat(handler.deliveries.get(1).entryId()).isEqualTo(id);
        assertThat(handler.deliveries.get(1).attempt()).as("attempts from zero").isEqualTo(1);
        assertThat(handler.deliveries.get(1).request().bodyText()).isEqualTo(ENTRY_ORDER);

        Run cli = Cli.run("inbox", "--config", config.toString(), "replay", Long.toString(id));
        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("entry " + id + " is new");
        awaitDeliveries(id, 3);
        assertThat(handler.deliveries).hasSize(3);

        assertThat(server.adminPost("/api/inbox/424242/replay", "{}").statusCode()).isEqualTo(404);
        assertThat(server.adminPost("/api/inbox/nope/replay", "{}").statusCode()).isEqualTo(404);
        Run missing = Cli.run("inbox", "--config", config.toString(), "replay", "424242");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no inbox entry 424242");
    }

    @Test
    void anEntryBeingDeliveredIsNotReplayedUntilItsLeaseRunsOut() throws Exception {
        // an entry of a method without a handler, claimed by hand as a delivery thread would
        server.send(server.call("deliveryorder.create").xmlBody("<request><deliveryOrder><deliveryOrderCode>D1"
                + "</deliveryOrderCode></deliveryOrder></request>"));
        long id = store().list(InboxQuery.all()).get(0).id();
        Instant now = Instant.now();
        assertThat(store().claim(List.of(InboxConsumer.API), List.of(), 1, now, Duration.ofMinutes(5), "t#")).hasSize(1);

        assertThat(server.adminPost("/api/inbox/" + id + "/replay", "{}").statusCode()).isEqualTo(409);
        assertThat(store().replay(id, now.plus(Duration.ofMinutes(6)))).isEqualTo(InboxStore.Change.CHANGED);
        InboxEntry e = store().get(id).orElseThrow();
        assertThat(e.status()).isEqualTo(InboxStatus.NEW);
        assertThat(e.attempts()).isZero();
    }
}
