package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.ChildServer;
import io.qimencallback.server.testing.TestServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line in a child JVM: SIGTERM with a call in flight lets it finish, then exits 0. */
class SigtermTest {

    @Test
    void sigtermDrainsInFlightCallsAndExitsZero(@TempDir Path dir) throws Exception {
        try (ChildServer server = ChildServer.start(dir, Map.of("QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET))) {
            GatewayClient gateway = new GatewayClient(server.serviceUrl());
            GatewayRequest slow = GatewayRequest.builder("test.sleep").appKey(TestServer.APP_KEY).secret(TestServer.SECRET)
                    .param("ms", "1500").build();
            CompletableFuture<GatewayResponse> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return gateway.send(slow);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            server.awaitMetric("qimen_requests_inflight 1.0");

            server.process().destroy(); // SIGTERM
            server.awaitStatus("/health/ready", 503);

            GatewayResponse answer = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(answer.isSuccess()).as(answer.text()).isTrue();
            assertThat(answer.message()).isEqualTo("slept");
            assertThat(server.process().waitFor(15, TimeUnit.SECONDS)).as(server.log()).isTrue();
            assertThat(server.process().exitValue()).as(server.log()).isZero();
            assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
        }
    }
}
