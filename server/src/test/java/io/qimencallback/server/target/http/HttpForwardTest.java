package io.qimencallback.server.target.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.testing.SelfSignedPem;
import io.qimencallback.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding end to end over real sockets on both sides: a signed call to a real server, routed
 * {@code inventory.query: forward erp}, POSTed to a real HTTP(S) endpoint, its answer back in the caller's format.
 */
class HttpForwardTest {
    static final String SECRET = "forward-secret-0123456789";
    static final String OLD_SECRET = "forward-secret-old-98765";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "<request><criteriaList><criteria><warehouseCode>WH1</warehouseCode>"
            + "<itemCode>A</itemCode></criteria></criteriaList></request>";
    private static final String STOCK = "{\"flag\":\"success\",\"code\":\"0\",\"message\":\"ok\",\"items\":{\"item\":"
            + "[{\"itemCode\":\"A\",\"quantity\":5},{\"itemCode\":\"B\",\"quantity\":7}]}}";

    static Map<String, String> target(String url, String... more) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", "http");
        m.put("url", url);
        m.put("secret", SECRET);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    static TestServer server(Map<String, String> erp) {
        return server(erp, c -> c);
    }

    static TestServer server(Map<String, String> erp, UnaryOperator<ServerConfig.Builder> more) {
        return TestServer.start(c -> more.apply(c.target("erp", erp).route("inventory.query", "forward erp")));
    }

    private static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

    /** A distinct call each time (the replay guard answers a repeated one from memory). */
    private static GatewayResponse query(TestServer s) {
        return s.send(s.call("taobao.qimen.inventory.query").customerId("CUST001")
                .param("n", Integer.toString(CALLS.incrementAndGet())).xmlBody(QUERY));
    }

    @Test
    void theErpsAnswerReachesTheCallerInXmlAndJson() throws Exception {
        try (FakeErp erp = FakeErp.http(FakeErp.json(200, STOCK)); TestServer s = server(target(erp.url()))) {
            GatewayResponse xml = query(s);
            assertThat(xml.contentType()).startsWith("text/xml");
            assertThat(xml.text()).contains("<flag>success</flag><code>0</code><message>ok</message><items><item>"
                    + "<itemCode>A</itemCode><quantity>5</quantity></item><item><itemCode>B</itemCode>"
                    + "<quantity>7</quantity></item></items></response>");

            FakeErp.Received r = erp.last();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/qimen");
            assertThat(r.header("content-type")).isEqualTo("application/json");
            assertThat(r.header("user-agent")).startsWith("qimen-callback-server/");
            JsonNode envelope = JSON.readTree(r.body());
            assertThat(envelope.path("method").asText()).isEqualTo("taobao.qimen.inventory.query");
            assertThat(envelope.path("normalizedMethod").asText()).isEqualTo("inventory.query");
            assertThat(envelope.path("appKey").asText()).isEqualTo(TestServer.APP_KEY);
            assertThat(envelope.path("customerId").asText()).isEqualTo("CUST001");
            assertThat(envelope.path("body").asText()).isEqualTo(QUERY);
            assertThat(envelope.path("params").has("sign")).isFalse();
            assertThat(envelope.has("entryId")).isFalse();
            assertThat(r.header("webhook-id")).isEqualTo(envelope.path("callId").asText()).isNotBlank();
            assertThat(Long.parseLong(r.header("webhook-timestamp")))
                    .isBetween(Instant.now().getEpochSecond() - 30, Instant.now().getEpochSecond() + 1);
            assertThat(FakeErp.signedWith(r, SECRET)).isTrue();
            assertThat(FakeErp.signedWith(r, "some-other-secret-0123")).isFalse();

            GatewayResponse json = s.send(s.call("inventory.query").format("json")
                    .param("n", Integer.toString(CALLS.incrementAndGet())).xmlBody(QUERY));
            assertThat(json.contentType()).startsWith("application/json");
            JsonNode response = JSON.readTree(json.text()).path("response");
            assertThat(response.path("flag").asText()).isEqualTo("success");
            assertThat(response.path("items").path("item").get(1).path("itemCode").asText()).isEqualTo("B");
            assertThat(response.path("items").path("item").get(1).path("quantity").asInt()).isEqualTo(7);
            assertThat(erp.received()).hasSize(2);
            // one kept-alive connection for both
            assertThat(erp.received().get(1).clientPort()).isEqualTo(r.clientPort());
            // each call its own id
            assertThat(erp.received().get(1).header("webhook-id")).isNotEqualTo(r.header("webhook-id"));

            String metrics = s.admin("/metrics").body();
            assertThat(metrics).contains("qimen_target_requests_total{kind=\"forward\",outcome=\"ok\",target=\"erp\"} 2.0");
            assertThat(metrics).contains("qimen_target_requests_total{kind=\"forward\",outcome=\"status_5xx\",target=\"erp\"} 0.0");
            assertThat(metrics).contains("qimen_target_latency_seconds_count{kind=\"forward\",target=\"erp\"} 2");
        }
    }

    @Test
    void theErpsFailureIsTheCallersFailure() throws Exception {
        try (FakeErp erp = FakeErp.http(FakeErp.json(200, "{\"flag\":\"failure\",\"code\":\"isv.item-not-found\","
                + "\"message\":\"no item A\"}")); TestServer s = server(target(erp.url()))) {
            GatewayResponse r = query(s);
            assertThat(r.flag()).isEqualTo("failure");
            assertThat(r.code()).isEqualTo("isv.item-not-found");
            assertThat(r.message()).isEqualTo("no item A");
        }
    }

    @Test
    void aSlowErpIsAHandlerTimeoutWithinTheDeadline() throws Exception {
        try (FakeErp erp = FakeErp.http((r, x) -> {
            Thread.sleep(5_000);
            FakeErp.send(x, 200, "application/json", STOCK);
        }); TestServer s = server(target(erp.url()), c -> c.handlerTimeout(Duration.ofMillis(700)))) {
            long start = System.nanoTime();
            GatewayResponse r = query(s);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.code()).isEqualTo("handler-timeout");
            assertThat(millis).isBetween(500L, 3_000L);
            assertThat(s.admin("/metrics").body())
                    .contains("qimen_target_requests_total{kind=\"forward\",outcome=\"timeout\",target=\"erp\"} 1.0");
        }
    }

    @Test
    void theTargetsOwnTimeoutCanBeShorterThanTheCalls() throws Exception {
        try (FakeErp erp = FakeErp.http((r, x) -> {
            Thread.sleep(5_000);
            FakeErp.send(x, 200, "application/json", STOCK);
        }); TestServer s = server(target(erp.url(), "timeout", "300ms"))) {
            long start = System.nanoTime();
            assertThat(query(s).code()).isEqualTo("handler-timeout");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000L);
        }
    }

    @Test
    void pastMaxConnectionsACallIsAnsweredOverloadedAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (FakeErp erp = FakeErp.http((r, x) -> {
            inside.countDown();
            release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            FakeErp.send(x, 200, "application/json", STOCK);
        }); TestServer s = server(target(erp.url(), "max_connections", "1"))) {
            java.util.concurrent.CompletableFuture<GatewayResponse> first =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> query(s));
            assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            assertThat(query(s).code()).isEqualTo("overloaded");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000L);
            release.countDown();
            assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(query(s).isSuccess()).isTrue(); // the slot is free again
            assertThat(s.admin("/metrics").body())
                    .contains("qimen_target_requests_total{kind=\"forward\",outcome=\"overloaded\",target=\"erp\"} 1.0");
        }
    }

    @Test
    void aTargetWithoutASecretStopsTheServersStart() {
        Map<String, String> unsigned = target("http://127.0.0.1:1/qimen");
        unsigned.remove("secret");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server(unsigned).close())
                .isInstanceOf(io.qimencallback.server.config.ConfigException.class)
                .hasMessageContaining("targets.erp.secret");
    }

    @Test
    void a5xxA4xxOrGarbageIsASystemErrorWithAnId() throws Exception {
        try (FakeErp erp = FakeErp.http(FakeErp.json(503, "{\"flag\":\"success\"}"));
             TestServer s = server(target(erp.url()))) {
            GatewayResponse r = query(s);
            assertThat(r.code()).isEqualTo("system-error");
            assertThat(r.message()).matches("internal error, id [0-9a-f]{12}");

            erp.answer(FakeErp.json(404, "{\"flag\":\"success\"}"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer((q, x) -> FakeErp.send(x, 200, "text/html", "<html>oops, 张三 13800000000</html>"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer(FakeErp.json(200, "{\"code\":\"0\",\"message\":\"no flag\"}"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer(FakeErp.json(200, "{\"flag\":\"maybe\"}"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer(FakeErp.json(200, "{\"flag\":\"failure\",\"message\":\"a failure needs a code\"}"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer(FakeErp.json(200, "{\"flag\":\"success\",\"bad name\":1}"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer(FakeErp.json(200, "[1,2]"));
            assertThat(query(s).code()).isEqualTo("system-error");

            erp.answer(FakeErp.json(204, ""));
            assertThat(query(s).code()).isEqualTo("system-error");

            String metrics = s.admin("/metrics").body();
            assertThat(metrics).contains("qimen_target_requests_total{kind=\"forward\",outcome=\"status_5xx\",target=\"erp\"} 1.0");
            assertThat(metrics).contains("qimen_target_requests_total{kind=\"forward\",outcome=\"status_4xx\",target=\"erp\"} 1.0");
            assertThat(metrics).contains("qimen_target_requests_total{kind=\"forward\",outcome=\"bad_answer\",target=\"erp\"} 7.0");
        }
    }

    @Test
    void theLogSaysWhyWithTheCallersErrorIdAndNeverTheBodyOrTheSecret() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(HttpTarget.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (FakeErp erp = FakeErp.http(FakeErp.json(200, "garbage 张三 13800000000"));
             TestServer s = server(target(erp.url()))) {
            GatewayResponse notJson = query(s);
            erp.answer((r, x) -> FakeErp.send(x, 200, "text/xml", "<response><flag>success</flag><x>张三 13800000000</y>"));
            GatewayResponse badXml = query(s);
            erp.answer(FakeErp.json(500, "{\"flag\":\"failure\",\"code\":\"x\",\"message\":\"张三 13800000000\"}"));
            GatewayResponse status = query(s);
            String log = logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .collect(java.util.stream.Collectors.joining("\n"));
            for (GatewayResponse r : List.of(notJson, status)) {
                assertThat(r.code()).isEqualTo("system-error");
                assertThat(log).contains("system-error id=" + r.message().substring(r.message().lastIndexOf(' ') + 1));
            }
            assertThat(badXml.code()).isEqualTo("system-error");
            assertThat(log).contains("answer is not JSON (line 1, column").contains("HTTP 500")
                    .doesNotContain("张三").doesNotContain("13800000000").doesNotContain("garbage")
                    .doesNotContain(SECRET);
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void anAnswerLargerThanTheLimitIsASystemError() throws Exception {
        String big = "{\"flag\":\"success\",\"blob\":\"" + "x".repeat(4096) + "\"}";
        try (FakeErp erp = FakeErp.http(FakeErp.json(200, big));
             TestServer s = server(target(erp.url(), "max_answer_bytes", "2048"))) {
            assertThat(query(s).code()).isEqualTo("system-error");
            // without a Content-Length: cut while reading
            erp.answer((q, x) -> {
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(200, 0);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(big.getBytes(StandardCharsets.UTF_8));
                }
            });
            assertThat(query(s).code()).isEqualTo("system-error");
            erp.answer(FakeErp.json(200, "{\"flag\":\"success\",\"blob\":\"small\"}"));
            assertThat(query(s).isSuccess()).isTrue();
        }
    }

    @Test
    void aConnectionClosedMidAnswerOrRefusedIsASystemError() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket c = listener.accept()) {
                        InputStream in = c.getInputStream();
                        byte[] buf = new byte[65536];
                        in.read(buf); // the request (small), or enough of it
                        OutputStream out = c.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                                + "{\"flag\":\"succ").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "mid-answer-closer");
            t.setDaemon(true);
            t.start();
            try (TestServer s = server(target("http://127.0.0.1:" + listener.getLocalPort() + "/qimen"))) {
                long start = System.nanoTime();
                assertThat(query(s).code()).isEqualTo("system-error");
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
            }
        }
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (TestServer s = server(target("http://127.0.0.1:" + closedPort + "/qimen"))) {
            GatewayResponse r = query(s);
            assertThat(r.code()).isEqualTo("system-error");
            assertThat(s.admin("/metrics").body())
                    .contains("qimen_target_requests_total{kind=\"forward\",outcome=\"unreachable\",target=\"erp\"} 1.0")
                    .contains("qimen_target_requests_total{kind=\"forward\",outcome=\"error\",target=\"erp\"} 0.0");
        }
    }

    @Test
    void httpsWithACaFile(@TempDir Path dir) throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir);
        try (FakeErp erp = FakeErp.https(dir.resolve("tls.p12"), FakeErp.json(200, STOCK))) {
            assertThat(erp.url()).startsWith("https://");
            try (TestServer s = server(target(erp.url(), "ca_file", pem.cert().toString()))) {
                GatewayResponse r = query(s);
                assertThat(r.isSuccess()).as(r.text()).isTrue();
                assertThat(r.text()).contains("<itemCode>A</itemCode>");
                assertThat(FakeErp.signedWith(erp.last(), SECRET)).isTrue();
                // http2 auto offers h2 by ALPN; this endpoint does not take it: HTTP/1.1, kept alive
                for (int i = 0; i < 4; i++) {
                    assertThat(query(s).isSuccess()).isTrue();
                }
                assertThat(erp.received()).hasSize(5).allSatisfy(q -> assertThat(q.protocol()).isEqualTo("HTTP/1.1"));
                assertThat(erp.received().stream().map(FakeErp.Received::clientPort).distinct().count())
                        .as("connections for five sequential forwards").isEqualTo(1);
            }
            // without the CA the endpoint's certificate is not trusted: no call reaches it
            int before = erp.received().size();
            try (TestServer s = server(target(erp.url()))) {
                assertThat(query(s).code()).isEqualTo("system-error");
            }
            assertThat(erp.received()).hasSize(before);
        }
    }

    @Test
    void anEndpointOfferingH2IsForwardedToOverHttp2OnOneConnection(@TempDir Path dir) throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir);
        try (H2Erp erp = new H2Erp(dir.resolve("tls.p12"), STOCK);
             TestServer s = server(target(erp.url(), "ca_file", pem.cert().toString()))) {
            for (int i = 0; i < 3; i++) {
                GatewayResponse r = query(s);
                assertThat(r.isSuccess()).as(r.text()).isTrue();
                assertThat(r.text()).contains("<itemCode>B</itemCode><quantity>7</quantity>");
            }
            // ALPN chose h2 and the client spoke it (the endpoint knows nothing else); one connection for all three
            assertThat(erp.protocols()).containsExactly("h2");
            assertThat(erp.connections()).isEqualTo(1);
            assertThat(erp.bodies()).hasSize(3);
            assertThat(JSON.readTree(erp.bodies().get(0)).path("normalizedMethod").asText()).isEqualTo("inventory.query");
        }
    }

    @Test
    void duringARotationBothSecretsSign(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("erp-forward"), SECRET + "\n" + OLD_SECRET + "\n");
        Map<String, String> erpConfig = target("http://placeholder");
        erpConfig.remove("secret");
        try (FakeErp erp = FakeErp.http(FakeErp.json(200, STOCK))) {
            erpConfig.put("url", erp.url());
            erpConfig.put("secret_file", file.toString());
            try (TestServer s = server(erpConfig)) {
                assertThat(query(s).isSuccess()).isTrue();
            }
            FakeErp.Received r = erp.last();
            assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
            // an ERP still on the old secret, and one already on the new, both accept
            assertThat(FakeErp.signedWith(r, OLD_SECRET)).isTrue();
            assertThat(FakeErp.signedWith(r, SECRET)).isTrue();
            assertThat(r.header("webhook-signature")).startsWith("v1,");

            // whsec_ secrets, comma-separated
            String whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            try (TestServer s = server(target(erp.url(), "secret", whsec + "," + SECRET))) {
                assertThat(query(s).isSuccess()).isTrue();
            }
            assertThat(FakeErp.signedWith(erp.last(), whsec)).isTrue();
            assertThat(FakeErp.signedWith(erp.last(), SECRET)).isTrue();
        }
    }

    @Test
    void passthroughKeepsTheErpsQimenAnswer() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><flag>success</flag><code>0</code>"
                + "<message>from the ERP</message><items><item><itemCode>A</itemCode><quantity>5</quantity></item>"
                + "<item><itemCode>B</itemCode><quantity>7</quantity></item></items></response>";
        try (FakeErp erp = FakeErp.http((r, x) -> FakeErp.send(x, 200, "text/xml;charset=utf-8", xml));
             TestServer s = server(target(erp.url(), "answer", "passthrough"))) {
            GatewayResponse asXml = query(s);
            assertThat(asXml.text()).endsWith(xml.substring(xml.indexOf("<response>")));
            GatewayResponse asJson = s.send(s.call("inventory.query").format("json")
                    .param("n", Integer.toString(CALLS.incrementAndGet())).xmlBody(QUERY));
            JsonNode response = JSON.readTree(asJson.text()).path("response");
            assertThat(response.path("message").asText()).isEqualTo("from the ERP");
            assertThat(response.path("items").path("item").get(0).path("quantity").asText()).isEqualTo("5");

            erp.answer(FakeErp.json(200, "{\"response\":{\"flag\":\"failure\",\"code\":\"isv.no-stock\","
                    + "\"message\":\"none\",\"sub_code\":\"isv.no-stock\"}}"));
            GatewayResponse failure = query(s);
            assertThat(failure.code()).isEqualTo("isv.no-stock");
            assertThat(failure.message()).isEqualTo("none");

            erp.answer((r, x) -> FakeErp.send(x, 200, "text/xml", "<response><code>0</code></response>"));
            assertThat(query(s).code()).isEqualTo("system-error");
            erp.answer((r, x) -> FakeErp.send(x, 200, "text/xml", "<response><flag>success</flag>"));
            assertThat(query(s).code()).isEqualTo("system-error");
            erp.answer((r, x) -> FakeErp.send(x, 200, "text/plain", "success"));
            assertThat(query(s).code()).isEqualTo("system-error");
        }
    }

    @Test
    void aFieldsTargetPassesOneAnswerThroughByItsHeader() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"GBK\"?><!-- the ERP's --><response><message>库存</message>"
                + "<code>0</code><flag>success</flag><items><item id=\"7\"><quantity>5</quantity></item></items>"
                + "</response>";
        try (FakeErp erp = FakeErp.http((r, x) -> {
            x.getResponseHeaders().set("Qimen-Answer", "passthrough");
            byte[] gbk = xml.getBytes(java.nio.charset.Charset.forName("GBK"));
            x.getResponseHeaders().set("Content-Type", "text/xml;charset=GBK");
            x.sendResponseHeaders(200, gbk.length);
            x.getResponseBody().write(gbk);
            x.close();
        }); TestServer s = server(target(erp.url()))) {
            GatewayResponse r = query(s);
            assertThat(r.isSuccess()).as(r.text()).isTrue();
            assertThat(r.message()).isEqualTo("库存");
            // parsed and rendered anew: the server's flag, code, message order; the attribute became an element
            assertThat(r.text()).contains("<flag>success</flag><code>0</code><message>库存</message><items><item>"
                    + "<id>7</id><quantity>5</quantity></item></items>").doesNotContain("the ERP's");
            // without the header the same target reads its answers as fields
            erp.answer((q, x) -> FakeErp.send(x, 200, "text/xml", xml));
            assertThat(query(s).code()).isEqualTo("system-error");
        }
    }

    @Test
    void aLargeAnswerWithoutAContentLengthArrivesWhole() throws Exception {
        String blob = "库存".repeat(100_000); // 600 kB of UTF-8, under the default 1 MiB
        String body = "{\"flag\":\"success\",\"blob\":\"" + blob + "\"}";
        try (FakeErp erp = FakeErp.http((q, x) -> {
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = x.getResponseBody()) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                for (int at = 0; at < bytes.length; at += 7_000) {
                    out.write(bytes, at, Math.min(7_000, bytes.length - at));
                    out.flush();
                }
            }
        }); TestServer s = server(target(erp.url()))) {
            GatewayResponse r = s.send(s.call("inventory.query").format("json")
                    .param("n", Integer.toString(CALLS.incrementAndGet())).xmlBody(QUERY));
            assertThat(r.isSuccess()).as(r.text().substring(0, Math.min(300, r.text().length()))).isTrue();
            assertThat(JSON.readTree(r.text()).path("response").path("blob").asText()).isEqualTo(blob);
        }
    }

    @Test
    void aQueryWithNoRouteIsInvalidMethodNeverSuccess() {
        try (TestServer s = TestServer.start(c -> c)) {
            for (String method : new String[] {"taobao.qimen.inventory.query", "taobao.crm.order.detail.get",
                    "wdt.wms.stockout.sales.querywithdetail"}) {
                GatewayResponse r = s.send(s.call(method).xmlBody(QUERY));
                assertThat(r.flag()).as(method).isEqualTo("failure");
                assertThat(r.code()).as(method).isEqualTo("invalid-method");
                assertThat(r.message()).as(method).contains("no handler answers method");
            }
        }
    }
}
