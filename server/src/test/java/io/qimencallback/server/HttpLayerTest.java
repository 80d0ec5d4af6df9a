package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What arrives as bytes on a socket: keep-alive, pipelining, malformed and slow clients. */
class HttpLayerTest {
    private static TestServer server;
    private static final java.util.concurrent.atomic.AtomicInteger COUNTED = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.readTimeout(Duration.ofSeconds(1)).maxHeaderBytes(4096)
                        .allowedSources(List.of("10.0.0.0/8")).trustedProxies(List.of("127.0.0.1")),
                Handlers.of(Set.of("deliveryorder.create", "slow.call", "count.call"), r -> {
                    if (r.method().equals("slow.call")) {
                        Thread.sleep(1500);
                    }
                    if (r.method().equals("count.call")) {
                        COUNTED.incrementAndGet();
                    }
                    return QimenResponse.success().with("n", r.param("n").orElse(""));
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void keepAliveServesSeveralCallsOnOneConnectionInOrder() throws Exception {
        try (Socket socket = connect()) {
            // pipelined: both requests written before either answer is read
            String both = request("1") + request("2");
            socket.getOutputStream().write(both.getBytes(StandardCharsets.US_ASCII));
            String answers = readUntil(socket.getInputStream(), "<n>2</n>");

            assertThat(answers.indexOf("<n>1</n>")).isPositive().isLessThan(answers.indexOf("<n>2</n>"));
            assertThat(answers).doesNotContain("Connection: close");
        }
    }

    @Test
    void malformedRequestLineIs400AndClosed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readToEnd(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(server.send(server.call("deliveryorder.create").header("X-Forwarded-For", "10.0.0.1")).isSuccess()).isTrue();
    }

    @Test
    void oversizedHeadIs431() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /qimen HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 431");
        }
    }

    @Test
    void slowClientIsCutOffWith408() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /qimen?method=x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<req".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            String answer = readToEnd(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() throws Exception {
        try (Socket socket = connect()) {
            GatewayRequest r = server.call("deliveryorder.create").build();
            socket.getOutputStream().write(("GET /qimen?" + r.query() + " HTTP/1.0\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readToEnd(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.0 200").contains("<flag>success</flag>");
        }
    }

    @Test
    void pipelinedRequestWaitingBehindASlowCallGetsNo408() throws Exception {
        try (Socket socket = connect()) {
            // the second request's head and part of its body are sent while the first runs past the read timeout
            String second = request("2");
            int split = second.length() - 5;
            socket.getOutputStream().write((request("slow.call", "1") + second.substring(0, split))
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(1200);
            socket.getOutputStream().write(second.substring(split).getBytes(StandardCharsets.US_ASCII));
            String answers = readUntil(socket.getInputStream(), "<n>2</n>");

            assertThat(answers).doesNotContain("408").contains("<n>1</n>", "<n>2</n>");
        }
    }

    @Test
    void nothingPipelinedBehindAConnectionCloseIsProcessed() throws Exception {
        int before = COUNTED.get();
        try (Socket socket = connect()) {
            String closing = request("slow.call", "1").replace("Host: 127.0.0.1\r\n", "Host: 127.0.0.1\r\nConnection: close\r\n");
            socket.getOutputStream().write((closing + request("count.call", "2")).getBytes(StandardCharsets.US_ASCII));
            String answers = readToEnd(socket.getInputStream());

            assertThat(answers).contains("<n>1</n>").doesNotContain("<n>2</n>");
        }
        assertThat(COUNTED.get()).isEqualTo(before);
    }

    @Test
    void tooManyPipelinedRequestsCloseTheConnection() throws Exception {
        try (Socket socket = connect()) {
            StringBuilder flood = new StringBuilder(request("slow.call", "0"));
            for (int i = 0; i < 40; i++) {
                flood.append(request(Integer.toString(i)));
            }
            socket.getOutputStream().write(flood.toString().getBytes(StandardCharsets.US_ASCII));
            readToEnd(socket.getInputStream()); // the server closes; a socket timeout fails the test
        }
        assertThat(server.send(server.call("deliveryorder.create").header("X-Forwarded-For", "10.0.0.1")).isSuccess()).isTrue();
    }

    @Test
    void forwardedForOnSeveralLinesIsReadAsOneList() throws Exception {
        // a client's own line first, the proxy's appended line last: the right-most untrusted address is the caller
        try (Socket socket = connect()) {
            GatewayRequest r = server.call("deliveryorder.create").build();
            socket.getOutputStream().write(("GET /qimen?" + r.query() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "X-Forwarded-For: 10.9.9.9\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket.getInputStream())).contains("<code>ip-not-allowed</code>", "203.0.113.7");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception {
        try (TestServer limited = TestServer.start(c -> c.maxConnections(2));
             Socket a = new Socket("127.0.0.1", limited.server().port());
             Socket b = new Socket("127.0.0.1", limited.server().port());
             Socket c = new Socket("127.0.0.1", limited.server().port())) {
            // which of the three is refused depends on the order the event loops register them
            long deadline = System.nanoTime() + 5_000_000_000L;
            String metrics = limited.admin("/metrics").body();
            while (!metrics.contains("qimen_connections_refused_total 1.0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
                metrics = limited.admin("/metrics").body();
            }
            assertThat(metrics).contains("qimen_connections_refused_total 1.0", "qimen_connections_open 2.0");
            int closed = 0;
            for (Socket s : List.of(a, b, c)) {
                s.setSoTimeout(200);
                try {
                    closed += s.getInputStream().read() == -1 ? 1 : 0;
                } catch (SocketTimeoutException stillOpen) {
                    // expected for the two admitted connections
                }
            }
            assertThat(closed).isEqualTo(1);
        }
    }

    private static String request(String n) {
        return request("deliveryorder.create", n);
    }

    private static String request(String method, String n) {
        GatewayRequest r = server.call(method).param("n", n).header("X-Forwarded-For", "10.0.0.1")
                .xmlBody("<request/>").build();
        byte[] body = r.body();
        return "POST /qimen?" + r.query() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + r.headers().get("Content-Type")
                + "\r\nX-Forwarded-For: 10.0.0.1\r\nContent-Length: " + body.length + "\r\n\r\n"
                + new String(body, StandardCharsets.UTF_8);
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.server().port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!buf.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(chunk);
            if (n < 0) {
                break;
            }
            buf.write(chunk, 0, n);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Reads until the server closes the connection; a test fails on the socket timeout if it never does. */
    private static String readToEnd(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        }
    }
}
