package io.qimencallback.protocol.internal.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.ContentKind;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PersonalDataTest {

    /** Long values are scanned, not matched by recursive expressions: no stack overflow, whatever their length. */
    @Test
    void longJsonValuesAndEmailDomainsDoNotOverflowTheStack() {
        String value = "a\\\"b".repeat(100_000);
        String json = "{\"receiverName\":\"" + value + "\",\"note\":\"" + value + "\",\"mobile\":\"13812345678\"}";
        String masked = PersonalData.maskText(json);
        assertThat(masked).doesNotContain(value.substring(0, 40) + value.substring(0, 40) + "\",\"note")
                .contains("\"note\":\"" + value + "\"").doesNotContain("13812345678");
        String email = "x@" + "a.".repeat(100_000) + "com";
        assertThat(PersonalData.maskText("mail " + email)).startsWith("mail x***@").endsWith(".com");
        String unterminated = "{\"receiverName\":\"" + "z".repeat(100_000);
        assertThat(PersonalData.maskText(unterminated)).isNotNull();
    }


    @Test
    void fieldNamesDecide() {
        assertThat(PersonalData.maskField("name", "张三丰")).isEqualTo("张**");
        assertThat(PersonalData.maskField("receiver_name", "李四")).isEqualTo("李**");
        assertThat(PersonalData.maskField("receiverMobile", "13812345678")).isEqualTo("138****5678");
        assertThat(PersonalData.maskField("receiver_tel", "0571-8888 1234")).isEqualTo("057****1234");
        assertThat(PersonalData.maskField("detailAddress", "浙江省杭州市余杭区文一西路969号")).isEqualTo("浙江省杭州市****");
        assertThat(PersonalData.maskField("idNumber", "330100199001011234")).isEqualTo("****");
        assertThat(PersonalData.maskField("itemName", "纯棉T恤")).isEqualTo("纯棉T恤");
        assertThat(PersonalData.maskField("warehouseCode", "WH-01")).isEqualTo("WH-01");
        assertThat(PersonalData.maskField("client_ip_address", "10.0.0.1")).isEqualTo("10.0.0.1");
    }

    @Test
    void phoneNumbersAreMaskedInAnyText() {
        assertThat(PersonalData.maskField("buyerMessage", "到了打13912345678")).isEqualTo("到了打139****5678");
        // an order number that contains eleven digits starting with 1 is not a phone
        assertThat(PersonalData.maskField("payNo", "2024052022001100001234567890")).isEqualTo("2024052022001100001234567890");
    }

    @Test
    void xmlBodyKeepsItsShape() {
        String xml = "<request><receiverInfo><name>王五</name><mobile>13700001111</mobile>"
                + "<detailAddress>上海市浦东新区张江路1号</detailAddress></receiverInfo><itemName>T恤</itemName>"
                + "<buyerMessage a=\"1\">call 15911112222</buyerMessage></request>";
        assertThat(PersonalData.maskText(xml)).isEqualTo("<request><receiverInfo><name>王**</name><mobile>137****1111</mobile>"
                + "<detailAddress>上海市浦东新****</detailAddress></receiverInfo><itemName>T恤</itemName>"
                + "<buyerMessage a=\"1\">call 159****2222</buyerMessage></request>");
    }

    @Test
    void jsonAndFormText() {
        assertThat(PersonalData.maskText("{\"receiver_name\" : \"赵六\",\"receiver_mobile\":\"13600002222\",\"shop_no\":\"S1\"}"))
                .isEqualTo("{\"receiver_name\" : \"赵**\",\"receiver_mobile\":\"136****2222\",\"shop_no\":\"S1\"}");
        assertThat(PersonalData.maskText("method=x&receiver_address=%E4%B8%8A%E6%B5%B7%E5%B8%82%E6%B5%A6%E4%B8%9C%E6%96%B0%E5%8C%BA1%E5%8F%B7&pageNo=1"))
                .isEqualTo("method=x&receiver_address=上海市浦东新****&pageNo=1");
    }

    @Test
    void treesAndParams() throws Exception {
        byte[] body = Samples.bytes("deliveryorder.create.request.xml");
        JsonNode tree = BodyParser.parse(ContentKind.XML, body, StandardCharsets.UTF_8);
        JsonNode masked = PersonalData.mask(tree);
        assertThat(masked.at("/deliveryOrder/senderInfo/mobile").asText()).isEqualTo("138****0000");
        assertThat(masked.at("/deliveryOrder/senderInfo/name").asText()).isEqualTo("发**");
        assertThat(masked.at("/deliveryOrder/senderInfo/detailAddress").asText()).isEqualTo("示例路1号示****");
        assertThat(masked.at("/deliveryOrder/deliveryOrderCode").asText()).isEqualTo("DO20240520000123");
        assertThat(tree.at("/deliveryOrder/senderInfo/mobile").asText()).as("the input is not changed").isEqualTo("13800000000");

        Map<String, String> params = new LinkedHashMap<>();
        params.put("method", "crm.order.detail.get");
        params.put("receiver_mobile", "13800001234");
        assertThat(PersonalData.maskParams(params)).containsExactly(Map.entry("method", "crm.order.detail.get"),
                Map.entry("receiver_mobile", "138****1234"));
    }
}
