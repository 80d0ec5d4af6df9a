package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line in a child JVM: SIGTERM with a call in flight lets it finish, then exits 0. */
class SigtermTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sigtermDrainsInFlightCallsAndExitsZero(@TempDir Path dir) throws Exception {
        int port = freePort();
        int admin = freePort();
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("QIMEN_PORT", Integer.toString(port));
        pb.environment().put("QIMEN_ADMIN_PORT", Integer.toString(admin));
        pb.environment().put("QIMEN_APPS", TestServer.APP_KEY + ":" + TestServer.SECRET);
        pb.environment().put("QIMEN_BIND", "127.0.0.1");
        Process process = pb.start();
        try {
            awaitStatus(admin, "/health/ready", 200, process, log);

            GatewayClient gateway = new GatewayClient(URI.create("http://127.0.0.1:" + port + "/qimen"));
            GatewayRequest slow = GatewayRequest.builder("test.sleep").appKey(TestServer.APP_KEY).secret(TestServer.SECRET)
                    .param("ms", "1500").build();
            CompletableFuture<GatewayResponse> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return gateway.send(slow);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitMetric(admin, "qimen_requests_inflight 1.0", process, log);

            process.destroy(); // SIGTERM
            awaitStatus(admin, "/health/ready", 503, process, log);

            GatewayResponse answer = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(answer.isSuccess()).as(answer.text()).isTrue();
            assertThat(answer.message()).isEqualTo("slept");
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(log)).isZero();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        } finally {
            process.destroyForcibly();
        }
    }

    private void awaitStatus(int admin, String path, int status, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (get(admin, path).statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() && status != 503) {
                throw new AssertionError("server exited early:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " never answered " + status + ":\n" + Files.readString(log));
    }

    private void awaitMetric(int admin, String line, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (get(admin, "/metrics").body().contains(line)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("metrics never showed " + line + ":\n" + Files.readString(log));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
