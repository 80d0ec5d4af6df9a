package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.server.admin.AdminResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.server.cli.CapturedRequest;
import io.qimencallback.server.testing.Cli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The debug console's JSON API on the admin port, over HTTP. */
class ConsoleApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ORDER = "<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode>"
            + "<receiverInfo><name>张三</name><mobile>13812345678</mobile><detailAddress>浙江省杭州市西湖区文三路1号</detailAddress>"
            + "</receiverInfo></deliveryOrder><remark>call 13912345678</remark></request>";

    private static JsonNode json(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type")).contains(AdminResponse.JSON);
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    @Test
    void recentCallsAreListedNewestFirstAndShownMaskedUnlessRevealed() {
        try (TestServer s = TestServer.start(Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST1").xmlBody(ORDER));
            s.send(s.call("deliveryorder.create").signOverride("BAD"));
            s.raw("POST", "/elsewhere?method=x.y&app_key=k2", Map.of(), new byte[0]);

            JsonNode list = json(s.admin("/api/calls?limit=50"));
            assertThat(list.path("enabled").asBoolean()).isTrue();
            List<String> outcomes = list.path("calls").findValuesAsText("outcome");
            assertThat(outcomes).containsExactly("http-404", "sign-check-failure", "success");
            JsonNode order = list.path("calls").get(2);
            assertThat(order.path("method").asText()).isEqualTo("taobao.qimen.deliveryorder.create");
            assertThat(order.path("appKey").asText()).isEqualTo(TestServer.APP_KEY);
            assertThat(order.path("customerId").asText()).isEqualTo("CUST1");
            assertThat(order.path("remote").asText()).isEqualTo("127.0.0.1");
            assertThat(order.path("format").asText()).isEqualTo("xml");
            assertThat(order.has("body")).as("no body in the list").isFalse();
            assertThat(list.path("calls").get(0).path("method").asText()).isEqualTo("x.y");
            assertThat(json(s.admin("/api/calls?limit=1")).path("calls")).hasSize(1);

            String id = order.path("id").asText();
            HttpResponse<String> detail = s.admin("/api/calls/" + id);
            assertThat(detail.body()).doesNotContain("13812345678", "13912345678", "张三", "文三路");
            JsonNode masked = json(detail);
            assertThat(masked.path("masked").asBoolean()).isTrue();
            assertThat(masked.path("body").asText()).contains("<mobile>138****5678</mobile>", "张**", "139****5678");
            assertThat(masked.path("params").has("sign")).isFalse();
            assertThat(masked.path("params").path("customerId").asText()).isEqualTo("CUST1");
            assertThat(masked.path("bodyTruncated").asBoolean()).isFalse();

            JsonNode revealed = json(s.admin("/api/calls/" + id + "?reveal=true"));
            assertThat(revealed.path("masked").asBoolean()).isFalse();
            assertThat(revealed.path("body").asText()).isEqualTo(ORDER);
            assertThat(revealed.path("params").has("sign")).isFalse();

            HttpResponse<String> gone = s.admin("/api/calls/zzzz");
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(json(gone).path("error").asText()).contains("no such call");
        }
    }

    /** Issue 11: CDATA, attributes and namespaced elements were shown unmasked. */
    static final String TRICKY = "<request xmlns:wms=\"urn:wms\"><receiver name=\"张三丰\" idCard=\"330106199001011234\">"
            + "<wms:name>李四</wms:name><fullName><![CDATA[王小五]]></fullName><mobile><![CDATA[13812345678]]></mobile>"
            + "<receiverEmail>zhang.san@example.com</receiverEmail><remark>证件 11010519491231002X</remark>"
            + "</receiver></request>";

    @Test
    void cdataAttributesAndNamespacedElementsAreMaskedInDetailAndDiagnostics() {
        try (TestServer s = TestServer.start(c -> c.signatureDiagnostics(io.qimencallback.server.config.AutoOnOff.ON),
                Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            s.send(s.call("deliveryorder.create").xmlBody(TRICKY));
            s.send(s.call("deliveryorder.create").xmlBody(TRICKY).signOverride("BAD"));
            String[] personal = {"张三丰", "330106199001011234", "李四", "王小五", "13812345678", "zhang.san@",
                    "11010519491231002X"};
            JsonNode calls = json(s.admin("/api/calls")).path("calls");
            for (JsonNode c : calls) {
                HttpResponse<String> detail = s.admin("/api/calls/" + c.path("id").asText());
                assertThat(detail.body()).doesNotContain(personal);
                assertThat(json(detail).path("body").asText()).isEqualTo("<request xmlns:wms=\"urn:wms\">"
                        + "<receiver name=\"张**\" idCard=\"****\"><wms:name>李**</wms:name><fullName><![CDATA[王**]]></fullName>"
                        + "<mobile><![CDATA[138****5678]]></mobile><receiverEmail>z***@example.com</receiverEmail>"
                        + "<remark>证件 110***********002X</remark></receiver></request>");
                assertThat(json(s.admin("/api/calls/" + c.path("id").asText() + "?reveal=true")).path("body").asText())
                        .isEqualTo(TRICKY);
            }
            HttpResponse<String> failures = s.admin("/api/signature-failures");
            assertThat(json(failures).path("failures")).hasSize(1);
            assertThat(json(failures).path("failures").get(0).path("canonical").asText()).contains("<wms:name>李**</wms:name>");
            assertThat(failures.body()).doesNotContain(personal);
        }
    }

    @Test
    void aMalformedBodyIsNotShownUnlessRevealed() {
        try (TestServer s = TestServer.start(Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            String broken = "<request><name>张三</name><mobile>1381234567";
            s.send(s.call("deliveryorder.create").xmlBody(broken));
            String id = json(s.admin("/api/calls")).path("calls").get(0).path("id").asText();
            HttpResponse<String> detail = s.admin("/api/calls/" + id);
            assertThat(detail.body()).doesNotContain("张三", "1381234567");
            assertThat(json(detail).path("body").asText())
                    .isEqualTo("[body not shown: " + broken.length() + " characters, not well-formed XML]");
        }
    }

    @Test
    void aCallShowsItsAnswerMaskedAndASystemErrorItsId() {
        try (TestServer s = TestServer.start(
                Handlers.of("deliveryorder.create", r -> QimenResponse.success().with("deliveryOrderId", "WMS-1")
                        .with("note", "call 13812345678")),
                Handlers.of("entryorder.create", r -> {
                    throw new IllegalStateException("down");
                }))) {
            s.send(s.call("deliveryorder.create").xmlBody(ORDER));
            s.send(s.call("entryorder.create").format("json").jsonBody("{}"));
            JsonNode calls = json(s.admin("/api/calls")).path("calls");
            JsonNode order = json(s.admin("/api/calls/" + calls.get(1).path("id").asText()));
            assertThat(order.path("answer").asText()).contains("<deliveryOrderId>WMS-1</deliveryOrderId>",
                    "138****5678").doesNotContain("13812345678");
            assertThat(order.has("errorId")).isFalse();
            assertThat(json(s.admin("/api/calls/" + order.path("id").asText() + "?reveal=true")).path("answer").asText())
                    .contains("13812345678");
            JsonNode failed = json(s.admin("/api/calls/" + calls.get(0).path("id").asText()));
            assertThat(failed.path("outcome").asText()).isEqualTo("system-error");
            assertThat(failed.path("errorId").asText()).matches("[0-9a-f]{12}");
            assertThat(failed.path("answer").asText()).startsWith("{\"response\":").contains(failed.path("errorId").asText());
        }
    }

    @Test
    void aCaptureIsTheExactRequestThatVerifyReads(@TempDir Path dir) throws Exception {
        try (TestServer s = TestServer.start(c -> c.maxBodyBytes(200_000),
                Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            s.send(s.call("deliveryorder.create").customerId("CUST1").xmlBody(ORDER));
            String id = json(s.admin("/api/calls")).path("calls").get(0).path("id").asText();
            HttpResponse<byte[]> capture = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + s.server().adminPort() + "/api/calls/" + id + "/capture")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(capture.statusCode()).isEqualTo(200);
            assertThat(capture.headers().firstValue("Content-Type")).contains("message/http");
            RawRequest raw = CapturedRequest.parse(capture.body());
            assertThat(raw.body()).isEqualTo(ORDER.getBytes(StandardCharsets.UTF_8)); // not masked: the exact bytes
            assertThat(raw.rawQuery()).contains("sign=", "customerId=CUST1");
            assertThat(raw.headers().get("Content-Type")).startsWith("text/xml");
            Path file = Files.write(dir.resolve("call.http"), capture.body());
            Cli.Run ok = Cli.run("verify", file.toString(), "--secret", TestServer.SECRET);
            assertThat(ok.exit()).as(ok.out()).isZero();

            // more than the 64 KiB kept: no capture rather than a wrong one
            s.send(s.call("deliveryorder.create").xmlBody("<request>" + "x".repeat(70_000) + "</request>"));
            String big = json(s.admin("/api/calls")).path("calls").get(0).path("id").asText();
            assertThat(json(s.admin("/api/calls/" + big)).path("capturable").asBoolean()).isFalse();
            HttpResponse<String> refused = s.admin("/api/calls/" + big + "/capture");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(json(refused).path("error").asText()).contains("no capture");
            assertThat(s.admin("/api/calls/zzzz/capture").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void statsAndSignatureDiagnostics() {
        try (TestServer s = TestServer.start(Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            s.send(s.call("deliveryorder.create"));
            s.send(s.call("deliveryorder.create").signOverride("BAD"));
            JsonNode stats = json(s.admin("/api/stats"));
            assertThat(stats.path("requests").path("success").asLong()).isEqualTo(1);
            assertThat(stats.path("requests").path("sign-check-failure").asLong()).isEqualTo(1);
            assertThat(stats.path("requestsTotal").asLong()).isEqualTo(2);
            assertThat(stats.path("signatureFailures").asLong()).isEqualTo(1);
            assertThat(stats.path("inFlight").asInt()).isZero();
            assertThat(stats.path("uptimeSeconds").isIntegralNumber()).isTrue();
            assertThat(stats.path("recentCalls").path("kept").asInt()).isEqualTo(2);
            assertThat(stats.path("recentCalls").path("capacity").asInt()).isEqualTo(200);

            JsonNode diag = json(s.admin("/api/signature-failures"));
            assertThat(diag.toString()).isEqualTo("{\"enabled\":false,\"capacity\":0,\"failures\":[]}");
        }
    }

    @Test
    void oversizedBodiesAreListedAsHttpRejections() {
        try (TestServer s = TestServer.start(c -> c.maxBodyBytes(100))) {
            s.raw("POST", "/qimen?method=big.one&app_key=k", Map.of("Content-Type", "text/xml"), new byte[1000]);
            JsonNode call = json(s.admin("/api/calls")).path("calls").get(0);
            assertThat(call.path("outcome").asText()).isEqualTo("http-413");
            assertThat(call.path("method").asText()).isEqualTo("big.one");
            assertThat(call.path("contentType").asText()).isEqualTo("text/xml");
        }
    }

    @Test
    void zeroKeepsNoCalls() {
        try (TestServer s = TestServer.start(c -> c.recentCalls(0))) {
            s.send(s.call("deliveryorder.create"));
            JsonNode list = json(s.admin("/api/calls"));
            assertThat(list.path("enabled").asBoolean()).isFalse();
            assertThat(list.path("calls")).isEmpty();
        }
    }

    @Test
    void pageAndAssetsAreServedWithTheirTypes() {
        try (TestServer s = TestServer.start()) {
            HttpResponse<String> page = s.admin("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("Content-Security-Policy")).contains("default-src 'self'; frame-ancestors 'none'");
            assertThat(page.body()).contains("console.js", "console.css");
            assertThat(s.admin("/console").body()).isEqualTo(page.body());
            assertThat(s.admin("/console.js").headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
            assertThat(s.admin("/console.css").headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
        }
    }
}
