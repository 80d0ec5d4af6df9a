package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Calls the gateway would send, over real HTTP, each answered by a handler that echoes what it was given. */
class SignedCallsTest {
    private static final String DELIVERY_XML = new String(Samples.bytes("deliveryorder.create.request.xml"), StandardCharsets.UTF_8);

    /** Echoes the normalized method, the raw method and a few values it read from the parameters and the body tree. */
    private static final QimenHandler ECHO = Handlers.of(Set.of("deliveryorder.create", "wdt.wms.stockout.sales.querywithdetail",
            "taobao.crm.order.detail.get", "custom.echo"), r -> QimenResponse.success()
            .with("method", r.method())
            .with("rawMethod", r.rawMethod())
            .with("httpCustomer", r.customerId() == null ? "" : r.customerId())
            .with("remark", r.param("remark").orElse(""))
            .with("trace", r.param("x-qimen-trace").orElse(""))
            .with("deliveryOrderCode", r.bodyTree().at("/deliveryOrder/deliveryOrderCode").asText())
            .with("receiverArea", r.bodyTree().at("/deliveryOrder/receiverInfo/area").asText())
            .with("orderNo", r.bodyTree().path("order_no").asText())
            .with("wdtSign", r.param("wdt_sign").orElse("")));

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(ECHO);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(SignMethod.class)
    void xmlDeliveryOrderWithEverySignMethod(SignMethod method) {
        GatewayResponse r = server.send(server.call("taobao.qimen.deliveryorder.create").signMethod(method)
                .customerId("CUST001").xmlBody(DELIVERY_XML));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/xml;charset=utf-8");
        assertThat(r.text()).startsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><response><flag>success</flag><code>0</code>");
        assertThat(r.tree().path("method").asText()).isEqualTo("deliveryorder.create");
        assertThat(r.tree().path("rawMethod").asText()).isEqualTo("taobao.qimen.deliveryorder.create");
        assertThat(r.tree().path("httpCustomer").asText()).isEqualTo("CUST001");
        assertThat(r.tree().path("deliveryOrderCode").asText()).isEqualTo("DO20240520000123");
        assertThat(r.tree().path("receiverArea").asText()).isEqualTo("浦东新区");
    }

    @Test
    void theSampleRequestByteForByte() {
        // the samples README request, its published sign and all: only the timestamp check would refuse it
        try (TestServer lenient = TestServer.start(c -> c.timestampTolerance(Duration.ZERO), ECHO)) {
            String query = Samples.query("deliveryorder.create.query.txt", "46379706CBFD137F602DFBFB4D93A820");
            HttpResponse<String> r = lenient.raw("POST", "/qimen?" + query, Map.of("Content-Type", Samples.XML_TYPE),
                    Samples.bytes("deliveryorder.create.request.xml"));

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("<flag>success</flag>", "<deliveryOrderCode>DO20240520000123</deliveryOrderCode>");
        }
    }

    @Test
    void jsonBodyAnswersJson() {
        GatewayResponse r = server.send(server.call("custom.echo").jsonBody(Samples.text("custom.json-body.request.json")));

        assertThat(r.contentType()).isEqualTo("application/json;charset=utf-8");
        assertThat(r.text()).startsWith("{\"response\":{\"flag\":\"success\",\"code\":\"0\",\"message\":\"ok\"");
        assertThat(r.tree().path("orderNo").asText()).isEqualTo("SO20240520001");
    }

    @Test
    void wdtFormCallSignsItsFields() {
        var call = server.call("3ldsmu02o9.wdt.wms.stockout.sales.querywithdetail").format("json");
        Samples.text("wdt.custom.stockout.sales.querywithdetail.form.txt").lines().findFirst().ifPresent(form -> {
            for (String pair : form.split("&")) {
                String[] kv = pair.split("=", 2);
                call.formField(java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        });
        GatewayResponse r = server.send(call);

        assertThat(r.isSuccess()).as(r.text()).isTrue();
        assertThat(r.tree().path("method").asText()).isEqualTo("wdt.wms.stockout.sales.querywithdetail");
        assertThat(r.tree().path("wdtSign").asText()).isEqualTo("e9fe9f7e2433b1c539cfaf55a6fcce76");
    }

    @Test
    void crmShortNameReachesTheQimenTaobaoHandler() {
        GatewayResponse r = server.send(server.call("qimen.taobao.crm.order.detail.get").format("json")
                .formField("customerid", "CUST001").formField("pageNo", "1"));

        assertThat(r.isSuccess()).as(r.text()).isTrue();
        assertThat(r.tree().path("method").asText()).isEqualTo("qimen.taobao.crm.order.detail.get");
    }

    @Test
    void getWithParametersOnly() {
        GatewayResponse r = server.send(server.call("deliveryorder.create").get().param("remark", "ping"));

        assertThat(r.isSuccess()).as(r.text()).isTrue();
        assertThat(r.tree().path("remark").asText()).isEqualTo("ping");
    }

    @Test
    void headerNamedInTopSignListIsSigned() {
        GatewayResponse ok = server.send(server.call("deliveryorder.create").signedHeader("x-qimen-trace", "trace 1"));
        assertThat(ok.isSuccess()).as(ok.text()).isTrue();
        assertThat(ok.tree().path("trace").asText()).isEqualTo("trace 1");

        var signed = server.call("deliveryorder.create").signedHeader("x-qimen-trace", "trace 1").build();
        HttpResponse<String> tampered = server.raw("POST", "/qimen?" + signed.query(),
                Map.of("top-sign-list", "x-qimen-trace", "x-qimen-trace", "trace 2"), new byte[0]);
        assertThat(tampered.body()).contains("<code>sign-check-failure</code>");
    }

    @Test
    void timestampSpacesAsPlusOrPercent20() {
        assertThat(server.send(server.call("deliveryorder.create")).isSuccess()).isTrue();
        var call = server.call("deliveryorder.create").spaceAsPercent20();
        assertThat(call.build().query()).contains("%20").doesNotContain("+");
        assertThat(server.send(call).isSuccess()).isTrue();
    }

    @Test
    void chineseInParametersAndBody() {
        GatewayResponse r = server.send(server.call("deliveryorder.create").param("remark", "请尽快发货 & 谢谢")
                .xmlBody(DELIVERY_XML));

        assertThat(r.isSuccess()).as(r.text()).isTrue();
        assertThat(r.tree().path("remark").asText()).isEqualTo("请尽快发货 & 谢谢");
        assertThat(r.tree().path("receiverArea").asText()).isEqualTo("浦东新区");
    }

    @Test
    void gbkCharset() {
        Charset gbk = Charset.forName("GBK");
        GatewayResponse r = server.send(server.call("deliveryorder.create").charset(gbk).param("remark", "示例旗舰店")
                .xmlBody(DELIVERY_XML.replace("encoding=\"utf-8\"", "encoding=\"GBK\"")));

        assertThat(r.isSuccess()).as(r.text()).isTrue();
        assertThat(r.tree().path("remark").asText()).isEqualTo("示例旗舰店");
        assertThat(r.tree().path("receiverArea").asText()).isEqualTo("浦东新区");
    }

    @Test
    void secretRotationAcceptsOldAndNewAndWildcard() {
        try (TestServer rotating = TestServer.start(c -> c.apps(io.qimencallback.server.config.AppSecrets.parse(
                "12345678:new-secret-0123456,12345678:old-secret-0123456,*:shared-secret-01234")), ECHO)) {
            for (String secret : new String[] {"new-secret-0123456", "old-secret-0123456", "shared-secret-01234"}) {
                assertThat(rotating.send(rotating.call("deliveryorder.create").secret(secret)).isSuccess()).as(secret).isTrue();
            }
            assertThat(rotating.send(rotating.call("deliveryorder.create").appKey("999").secret("shared-secret-01234")).isSuccess()).isTrue();
            assertThat(rotating.send(rotating.call("deliveryorder.create").appKey("999").secret("old-secret-0123456")).code())
                    .isEqualTo("sign-check-failure");
        }
    }
}
