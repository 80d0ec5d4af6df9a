package io.qimencallback.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.model.DeliveryOrderCreate;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QimenRequestsTest {

    @Test
    void aVerifiedRequestAsAHandlerGetsIt() {
        String xml = "<request><deliveryOrder><deliveryOrderCode>DO-9</deliveryOrderCode>"
                + "<receiverInfo><name>张三</name></receiverInfo></deliveryOrder></request>";
        QimenRequest r = QimenRequests.call("taobao.qimen.deliveryorder.create").xml(xml).customerId("C1").build();

        assertThat(r.method()).isEqualTo("deliveryorder.create");
        assertThat(r.rawMethod()).isEqualTo("taobao.qimen.deliveryorder.create");
        assertThat(r.customerId()).isEqualTo("C1");
        assertThat(r.appKey()).isNotBlank();
        assertThat(r.bodyKind()).isEqualTo(ContentKind.XML);
        assertThat(r.bodyText()).isEqualTo(xml);
        assertThat(r.bodyTree().at("/deliveryOrder/receiverInfo/name").asText()).isEqualTo("张三");
        assertThat(r.bodyValue("deliveryOrder/deliveryOrderCode")).contains("DO-9");
        assertThat(r.params()).containsKeys("timestamp", "sign_method", "v").doesNotContainKey("sign");
        assertThat(r.callId()).isNotBlank();
        assertThat(r.deadline()).isAfter(Instant.now());
        assertThat(r.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(r.responseFormat()).isEqualTo(ResponseFormat.XML);
    }

    @Test
    void eachRequestHasItsOwnCallId() {
        assertThat(QimenRequests.call("x.y").json("{}").build().callId())
                .isNotEqualTo(QimenRequests.call("x.y").json("{}").build().callId());
    }

    @Test
    void formFieldsAreTheBodyTreeAndJsonAnswersInJson() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("orderCode", "O-1");
        fields.put("remark", "a b&c=d");
        QimenRequest form = QimenRequests.call("order.cancel").form(fields).build();
        assertThat(form.bodyKind()).isEqualTo(ContentKind.FORM);
        assertThat(form.bodyTree().path("remark").asText()).isEqualTo("a b&c=d");
        assertThat(form.bodyValue("orderCode")).contains("O-1");

        QimenRequest json = QimenRequests.call("wdt.x.query").json("{\"page\":{\"no\":2}}").signMethod("hmac").build();
        assertThat(json.responseFormat()).isEqualTo(ResponseFormat.JSON);
        assertThat(json.signMethod()).isEqualTo("hmac");
        assertThat(json.bodyTree().at("/page/no").asInt()).isEqualTo(2);
    }

    @Test
    void gbkBodiesAreDecodedAsTheServerDecodesThem() {
        QimenRequest r = QimenRequests.call("deliveryorder.create").charset(Charset.forName("GBK"))
                .xml("<request><remark>仓库备注</remark></request>").build();
        assertThat(r.charset().name()).isEqualTo("GBK");
        assertThat(r.bodyTree().path("remark").asText()).isEqualTo("仓库备注");
    }

    @Test
    void everyBundledFixtureMakesARequest() {
        for (String api : Fixtures.apis()) {
            QimenRequest r = QimenRequests.call(api).fixture().build();
            assertThat(r.method()).as(api).isEqualTo(api);
            assertThat(r.bodyTree().size()).as(api).isPositive();
        }
        assertThat(Fixtures.apis()).contains("deliveryorder.create", "inventory.query", "order.cancel");
        assertThat(Fixtures.kind("deliveryorder.create")).isEqualTo("xml");
        assertThat(Fixtures.body("deliveryorder.create")).contains("<request>").doesNotContain("{{");
        assertThat(Fixtures.body("deliveryorder.create")).isNotEqualTo(Fixtures.body("deliveryorder.create"));
        assertThatThrownBy(() -> Fixtures.body("no.such.api")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deliveryorder.create");
    }

    @Test
    void whatTheServerWouldRefuseNeverReachesTheHandler() {
        assertThatThrownBy(() -> QimenRequests.call("deliveryorder.create").xml("<request><open></request>").build())
                .isInstanceOfSatisfying(CallRefusedException.class, e -> assertThat(e.code()).isEqualTo("invalid-body"));
        assertThatThrownBy(() -> QimenRequests.call("deliveryorder.create")
                .xml("<!DOCTYPE r [<!ENTITY x \"y\">]><request>&x;</request>").build())
                .isInstanceOfSatisfying(CallRefusedException.class, e -> assertThat(e.code()).isEqualTo("invalid-body"));
        // a form field contradicting the signed query string
        assertThatThrownBy(() -> QimenRequests.call("order.cancel").customerId("A")
                .form(Map.of("customerId", "B")).build())
                .isInstanceOfSatisfying(CallRefusedException.class, e -> assertThat(e.code()).isEqualTo("invalid-body"));
        assertThatThrownBy(() -> QimenRequests.call("order.cancel").json("{}")
                .timestamp(Instant.now().minus(Duration.ofHours(2))).build())
                .isInstanceOfSatisfying(CallRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("invalid-timestamp"));
        assertThatThrownBy(() -> QimenRequests.call("x.y").signMethod("sha1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hmac-sha256");
    }

    @Test
    void answersReadAsTheGatewayReadsThem() {
        QimenResponse r = QimenResponse.success()
                .with("deliveryOrderId", "WMS-1")
                .with("items", Map.of("item", java.util.List.of(Map.of("itemCode", "A"), Map.of("itemCode", "B"))));

        QimenAnswer xml = QimenResponses.answer(r);
        assertThat(xml.isSuccess()).isTrue();
        assertThat(xml.field("deliveryOrderId")).isEqualTo("WMS-1");
        assertThat(xml.field("items/item/1/itemCode")).isEqualTo("B");
        assertThat(xml.field("items/item")).isNull();
        assertThat(xml.raw()).contains("<items><item><itemCode>A</itemCode></item><item><itemCode>B</itemCode>");

        QimenAnswer json = QimenResponses.answer(QimenResponse.failure("erp-down", "ERP answered 500"), "json");
        assertThat(json.flag()).isEqualTo("failure");
        assertThat(json.code()).isEqualTo("erp-down");
        assertThat(json.message()).isEqualTo("ERP answered 500");
        assertThat(QimenResponses.render(r, "json")).startsWith("{\"response\":{\"flag\":\"success\"");
        assertThatThrownBy(() -> QimenResponses.render(r, "yaml")).isInstanceOf(IllegalArgumentException.class);
    }

    record Item(String itemCode) {
    }

    record Items(java.util.List<Item> item) {
    }

    record Answer(String deliveryOrderId, Items items) {
    }

    record Numbered(int deliveryOrderId) {
    }

    @Test
    void answersMapToTypes() {
        QimenAnswer one = QimenResponses.answer(QimenResponse.success().with("deliveryOrderId", "W")
                .with("items", Map.of("item", Map.of("itemCode", "A"))));
        // a single repeated element reads as a list of one, as the XML cannot say otherwise
        assertThat(one.as(Answer.class)).isEqualTo(new Answer("W", new Items(java.util.List.of(new Item("A")))));
        assertThatThrownBy(() -> one.as(Numbered.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Numbered");
    }

    @Test
    void typedModelsBothWays() throws Exception {
        DeliveryOrderCreate order = QimenRequests.call("deliveryorder.create").fixture().build()
                .bodyAs(DeliveryOrderCreate.class);
        assertThat(order.deliveryOrder().deliveryOrderCode()).startsWith("DO");
        assertThat(order.deliveryOrder().receiverInfo().name()).isEqualTo("张三");
        assertThat(order.orderLines()).isNotEmpty();

        DeliveryOrderCreateAnswer sent = new DeliveryOrderCreateAnswer("2026-01-02 03:04:05", "WMS-OB-1", "WH1", null);
        for (String format : java.util.List.of("xml", "json")) {
            assertThat(QimenResponses.answer(QimenResponse.success(sent), format).as(DeliveryOrderCreateAnswer.class))
                    .as(format).isEqualTo(sent);
        }
    }
}
