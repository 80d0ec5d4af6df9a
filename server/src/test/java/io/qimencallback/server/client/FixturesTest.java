package io.qimencallback.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.MethodNames;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.Fixture.Kind;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled fixtures: well-formed, fresh per call, and accepted by our server in every variant. */
class FixturesTest {
    private static final Map<String, QimenRequest> SEEN = new ConcurrentHashMap<>();
    private static TestServer server;

    @BeforeAll
    static void start() {
        Set<String> apis = Fixtures.all().stream().map(Fixture::api).collect(Collectors.toSet());
        server = TestServer.start(Handlers.of(apis, req -> {
            SEEN.put(req.method(), req);
            return QimenResponse.success().with("echo", req.bodyTree());
        }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theCatalogueCoversTheErpWmsCrmAndWdtApis() {
        assertThat(Fixtures.all()).extracting(Fixture::api).containsExactly(
                "deliveryorder.create", "entryorder.create", "returnorder.create", "stockout.create", "inventory.query",
                "singleitem.synchronize", "order.cancel", "qimen.taobao.crm.order.detail.get",
                "wdt.wms.stockout.sales.querywithdetail");
        for (Fixture f : Fixtures.all()) {
            // the api name is what a handler registers: the server's normalization of the method sent
            assertThat(MethodNames.normalize(f.gatewayMethod())).as(f.toString()).isEqualTo(f.api());
        }
        assertThat(Fixtures.find("taobao.qimen.deliveryorder.create")).get().extracting(Fixture::api)
                .isEqualTo("deliveryorder.create");
        assertThat(Fixtures.find("TAOBAO.CRM.ORDER.DETAIL.GET")).isPresent();
        assertThat(Fixtures.find("deliveryorder.query")).isEmpty();
    }

    @Test
    void placeholdersAreAllFilledAndDocumentCodesAreFreshPerCall() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        for (Fixture f : Fixtures.all()) {
            String text = f.render(now, "CODE42");
            assertThat(text).as(f.api()).doesNotContain("{{").doesNotContain("}}").doesNotEndWith("\n");
            if (f.template().contains("{{now}}")) {
                assertThat(text).contains(QimenTime.format(now));
            }
            if (f.template().contains("{{code}}")) {
                assertThat(text).contains("CODE42");
                assertThat(body(f.call().appKey("k").secret("s").build()))
                        .as("two calls of " + f.api() + " are two documents")
                        .isNotEqualTo(body(f.call().appKey("k").secret("s").build()));
            }
        }
        assertThat(Fixture.uniqueCode()).hasSize(20).isNotEqualTo(Fixture.uniqueCode()).containsOnlyDigits();
    }

    @Test
    void everyFixtureIsAcceptedInEverySignMethodAndFormat() {
        for (Fixture f : Fixtures.all()) {
            for (SignMethod sm : SignMethod.values()) {
                for (String format : List.of("xml", "json")) {
                    GatewayResponse r = server.send(f.call().appKey(TestServer.APP_KEY).secret(TestServer.SECRET)
                            .signMethod(sm).format(format).customerId("CUST001"));
                    String what = f.api() + " " + sm + " " + format;
                    assertThat(r.status()).as(what).isEqualTo(200);
                    assertThat(r.isSuccess()).as(what + ": " + r.text()).isTrue();
                    assertThat(r.contentType()).as(what).contains(format);
                    QimenRequest seen = SEEN.get(f.api());
                    assertThat(seen.bodyKind()).as(what).isEqualTo(f.kind() == Kind.XML ? ContentKind.XML
                            : f.kind() == Kind.JSON ? ContentKind.JSON : ContentKind.FORM);
                    assertThat(seen.bodyTree().size()).as(what).isGreaterThan(0);
                    assertThat(seen.customerId()).isEqualTo("CUST001");
                }
            }
        }
    }

    @Test
    void flatFixturesTravelAsXmlJsonOrFormWithTheSameFields() {
        Fixture wdt = Fixtures.find("wdt.wms.stockout.sales.querywithdetail").orElseThrow();
        for (Kind as : Kind.values()) {
            GatewayResponse r = server.send(wdt.call(as).appKey(TestServer.APP_KEY).secret(TestServer.SECRET));
            assertThat(r.isSuccess()).as(as + ": " + r.text()).isTrue();
            JsonNode tree = SEEN.get(wdt.api()).bodyTree();
            assertThat(tree.path("wdt3_customer_id").asText()).as(as.name()).isEqualTo("demo_sid");
            // params is JSON text inside a field, in every kind (WDT's convention)
            assertThat(tree.path("params").asText()).as(as.name()).startsWith("{\"start_time\":");
            assertThat(SEEN.get(wdt.api()).param("target_app_key")).contains("21363512");
        }
        Fixture order = Fixtures.find("deliveryorder.create").orElseThrow();
        GatewayResponse json = server.send(order.call(Kind.JSON).appKey(TestServer.APP_KEY).secret(TestServer.SECRET));
        assertThat(json.isSuccess()).isTrue();
        assertThat(SEEN.get("deliveryorder.create").bodyTree().at("/deliveryOrder/receiverInfo/name").asText())
                .isEqualTo("张三");
        assertThatThrownBy(() -> order.call(Kind.FORM)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested XML");
    }

    private static String body(GatewayRequest r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
