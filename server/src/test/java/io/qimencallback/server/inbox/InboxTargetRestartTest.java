package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.ChildServer;
import io.qimencallback.server.testing.FileTarget;
import io.qimencallback.server.testing.Postgres;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server killed with SIGKILL while its target is in the middle of deliveries: after the restart every entry it
 * acknowledged reaches the target, under the id it was acknowledged with (at least once: the interrupted ones again).
 * On PostgreSQL the interrupted deliveries come back when their lease (one minute at least) runs out.
 */
class InboxTargetRestartTest {
    private static final int CALLS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void nothingIsLostWhenTheServerDiesDuringADelivery(String store) throws Exception {
        Postgres pg = store.equals("postgresql") ? Postgres.freshSchema() : null;
        try {
            run(pg);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private void run(Postgres pg) throws Exception {
        Path log = dir.resolve("t1.log");
        Path hold = dir.resolve("hold");
        Files.writeString(hold, "deliveries wait while this exists");
        Path config = dir.resolve("qimen.yml");
        Files.writeString(config, "routes:\n  - \"deliveryorder.*\": inbox t1\ntargets:\n  t1: {type: test-file, file: \""
                + log + "\", hold_while: \"" + hold + "\"}\n");
        Map<String, String> env = new HashMap<>(Map.of("QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET,
                "QIMEN_TEST_CONFIG", config.toString()));
        if (pg != null) {
            env.put("QIMEN_INBOX_URL", pg.url());
        }
        Set<Long> acknowledged = new TreeSet<>();
        try (ChildServer server = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            GatewayClient gateway = new GatewayClient(server.serviceUrl());
            for (int i = 0; i < CALLS; i++) {
                GatewayResponse r = gateway.send(GatewayRequest.builder("taobao.qimen.deliveryorder.create")
                        .appKey(TestServer.APP_KEY).secret(TestServer.SECRET).customerId("C1")
                        .xmlBody("<request><deliveryOrder><deliveryOrderCode>DO-" + i + "</deliveryOrderCode>"
                                + "</deliveryOrder></request>").build());
                assertThat(r.isSuccess()).as(r.text()).isTrue();
                acknowledged.add(Long.parseLong(r.message().replace("stored as inbox entry ", "")));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (FileTarget.lines(log, "begin").size() < 2) {
                assertThat(System.nanoTime()).as(server.log()).isLessThan(deadline);
                Thread.sleep(20);
            }
            server.process().destroyForcibly(); // SIGKILL: mid-delivery, nothing confirmed
            assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(FileTarget.lines(log, "done")).as("held: nothing delivered before the kill").isEmpty();
        Set<Long> interrupted = new TreeSet<>();
        FileTarget.lines(log, "begin").forEach(w -> interrupted.add(Long.parseLong(w[1])));
        Files.delete(hold);

        try (ChildServer again = ChildServer.start(dir, env, List.of(), FileTarget.ChildMain.class)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(pg == null ? 20 : 100).toNanos();
            while (!FileTarget.doneCounts(log).keySet().containsAll(acknowledged)) {
                assertThat(System.nanoTime()).as("delivered %s of %s\n%s", FileTarget.doneCounts(log), acknowledged,
                        again.log()).isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(500);
            Map<Long, Integer> done = FileTarget.doneCounts(log);
            assertThat(done.keySet()).as("the ids acknowledged, no other").isEqualTo(acknowledged);
            assertThat(done.values()).as("confirmed once each").allSatisfy(n -> assertThat(n).isEqualTo(1));
            // the interrupted ones were delivered again: their second attempt is the one that returned
            for (String[] w : FileTarget.lines(log, "done")) {
                long id = Long.parseLong(w[1]);
                assertThat(Integer.parseInt(w[2])).as("attempt of entry %s", id)
                        .isEqualTo(interrupted.contains(id) ? 2 : 1);
            }
        }
    }
}
