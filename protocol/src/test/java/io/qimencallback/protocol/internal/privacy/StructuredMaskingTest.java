package io.qimencallback.protocol.internal.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.Samples;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Masking on the parsed structure of a body: what the old text patterns missed (issue 11). */
class StructuredMaskingTest {
    private static final String XML = "application/xml; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";

    @Test
    void xmlCdataAttributesAndNamespacedElements() {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<request xmlns:ns=\"urn:x\"><receiver name=\"张三丰\" idCard=\"330106199001011234\" code=\"R1\">"
                + "<ns:name>李四</ns:name><fullName><![CDATA[王小五]]></fullName>"
                + "<mobile><![CDATA[13812345678]]></mobile><receiverEmail>zhang.san@example.com</receiverEmail>"
                + "<x:detailAddress>浙江省杭州市余杭区文一西路969号</x:detailAddress>"
                + "<remark>身份证 33010619900101123X 老证 330106900101123</remark><itemName>纯棉T恤</itemName>"
                + "<empty fullName=\"赵六\"/></receiver></request>";
        String masked = PersonalData.maskBody(XML, body);
        assertThat(masked).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<request xmlns:ns=\"urn:x\"><receiver name=\"张**\" idCard=\"****\" code=\"R1\">"
                + "<ns:name>李**</ns:name><fullName><![CDATA[王**]]></fullName>"
                + "<mobile><![CDATA[138****5678]]></mobile><receiverEmail>z***@example.com</receiverEmail>"
                + "<x:detailAddress>浙江省杭州市****</x:detailAddress>"
                + "<remark>身份证 330***********123X 老证 330*********123</remark><itemName>纯棉T恤</itemName>"
                + "<empty fullName=\"赵**\"/></receiver></request>");
        assertThat(PersonalData.maskText(body)).as("a message that is a document is masked the same way").isEqualTo(masked);
    }

    @Test
    void xmlTextWithEntitiesAndIndentation() {
        String body = "<r>\n  <name> 张&amp;三 </name>\n  <buyerMessage>call me: 139 1234 5678 &lt;ok&gt;</buyerMessage>\n</r>";
        assertThat(PersonalData.maskBody(null, body)).isEqualTo(
                "<r>\n  <name> 张** </name>\n  <buyerMessage>call me: 139****5678 &lt;ok&gt;</buyerMessage>\n</r>");
    }

    @Test
    void jsonKeysAtAnyDepthNumbersAndArrays() throws Exception {
        String body = "{\"a\":{\"b\":[{\"receiver\":{\"fullName\":\"张三\",\"receiverEmail\":\"li@qq.com\"}}]},"
                + "\"receiverMobile\": 13812345678, \"names\":[\"x\"], \"name\":[\"王五\",\"赵六\"],"
                + "\"idCard\":\"330106199001011234\",\"13900001111\":\"key is a phone\",\"note\":\"ID 33010619900101123x\","
                + "\"total\":12.5,\"ok\":true,\"none\":null,\"esc\":\"a\\\"b 13700001111\"}";
        String masked = PersonalData.maskBody(JSON, body);
        assertThat(masked).isEqualTo("{\"a\":{\"b\":[{\"receiver\":{\"fullName\":\"张**\",\"receiverEmail\":\"l***@qq.com\"}}]},"
                + "\"receiverMobile\": \"138****5678\", \"names\":[\"x\"], \"name\":[\"王**\",\"赵**\"],"
                + "\"idCard\":\"****\",\"139****1111\":\"key is a phone\",\"note\":\"ID 330***********123x\","
                + "\"total\":12.5,\"ok\":true,\"none\":null,\"esc\":\"a\\\"b 137****1111\"}");
        new ObjectMapper().readTree(masked); // still JSON
    }

    @Test
    void formFields() {
        String body = "method=x&fullName=%E5%BC%A0%E4%B8%89&receiverEmail=a%40b.cn&receiver_mobile=13812345678"
                + "&note=ID+330106199001011234&pageNo=1&flag";
        assertThat(PersonalData.maskBody(FORM, body)).isEqualTo("method=x&fullName=张**&receiverEmail=a***@b.cn"
                + "&receiver_mobile=138****5678&note=ID+330***********1234&pageNo=1&flag");
        assertThat(PersonalData.maskBody("application/x-www-form-urlencoded; charset=GBK", "name=%D5%C5%C8%FD"))
                .as("decoded in the request charset").isEqualTo("name=张**");
    }

    @Test
    void aRawFormValueIsNotPercentEncodedWhenMasked() {
        // found by PersonalDataFuzzTest: every raw character became %XX%XX%XX, nine times the length
        assertThat(PersonalData.maskBody(FORM, "fullName=张三丰&remark=a+b\uFFFD\uFFFD 13812345678"))
                .isEqualTo("fullName=张**&remark=a+b\uFFFD\uFFFD+138****5678");
    }

    @Test
    void queryParameters() {
        assertThat(PersonalData.maskParams(Map.of("fullName", "张三"))).containsEntry("fullName", "张**");
        assertThat(PersonalData.maskParams(Map.of("q", "a@b.com 13812345678"))).containsEntry("q", "a***@b.com 138****5678");
        assertThat(PersonalData.maskParams(Map.of("receiverEmail", "someone@example.org")))
                .containsEntry("receiverEmail", "s***@example.org");
    }

    @Test
    void whatCannotBeParsedIsNotShown() {
        assertThat(PersonalData.maskBody(XML, "<a><name>张三</name>")).isEqualTo("[body not shown: 18 characters, not well-formed XML]");
        assertThat(PersonalData.maskBody(JSON, "{\"name\":\"张三\"")).isEqualTo("[body not shown: 12 characters, not well-formed JSON]");
        assertThat(PersonalData.maskBody("text/plain", "张三 住在 杭州")).isEqualTo("[body not shown: 8 characters, neither XML, JSON nor a form]");
        assertThat(PersonalData.maskBody("application/octet-stream", "\u0001\u0002")).startsWith("[body not shown: 2 characters");
        assertThat(PersonalData.maskBody(XML, "<!DOCTYPE a [<!ENTITY x \"张三\">]><a><name>&x;</name></a>"))
                .as("no DTD, no entity expansion").startsWith("[body not shown:");
        assertThat(PersonalData.maskBody(XML, "<a>&unknown;</a>")).startsWith("[body not shown:");
        assertThat(PersonalData.maskBody(XML, "")).isEmpty();
        assertThat(PersonalData.maskBody(null, "{\"name\":\"张三\"}")).as("sniffed").isEqualTo("{\"name\":\"张**\"}");
    }

    @Test
    void aCutBodyShowsItsMaskedBeginningOnly() {
        String xml = "<r><name>张三</name><mobile>13812345678</mobile><receiverName>李";
        String masked = PersonalData.maskBody(XML, xml, true);
        assertThat(masked).startsWith("<r><name>张**</name><mobile>138****5678</mobile>").doesNotContain("李");
        assertThat(masked).contains("more characters not shown");
        String json = "{\"name\":\"张三\",\"receiverMobile\":\"1381234";
        assertThat(PersonalData.maskBody(JSON, json, true)).startsWith("{\"name\":\"张**\",").doesNotContain("1381234");
        assertThat(PersonalData.maskBody(FORM, "name=%E5%BC%A0&receiver_mob", true))
                .isEqualTo("name=张**&…[12 more characters not shown: the body was cut]");
    }

    @Test
    void freeTextFragments() {
        String text = "bad field in <ns:receiverName><![CDATA[张三]]></ns:receiverName> and <p idCard='330106199001011234' "
                + "name=\"李四\"> and \"fullName\":\"王五\", \"receiverPhone\":13812345678, mail z@x.io";
        assertThat(PersonalData.maskText(text)).isEqualTo("bad field in <ns:receiverName><![CDATA[张**]]></ns:receiverName> and "
                + "<p idCard='****' name=\"李**\"> and \"fullName\":\"王**\", \"receiverPhone\":\"138****5678\", mail z***@x.io");
    }

    @Test
    void valuePatterns() {
        assertThat(PersonalData.maskValues("+8613812345678 / 86-139-1234-5678 / 15912345678"))
                .isEqualTo("138****5678 / 139****5678 / 159****5678");
        assertThat(PersonalData.maskValues("order 202405201234567890123 and 1381234567890"))
                .as("longer numbers are not phones or IDs").isEqualTo("order 202405201234567890123 and 1381234567890");
        assertThat(PersonalData.maskValues("11010519491231002X")).isEqualTo("110***********002X");
        assertThat(PersonalData.maskValues("110105491231002")).isEqualTo("110*********002");
    }

    @Test
    void samplesKeepTheirShape() throws Exception {
        String xml = new String(Samples.bytes("deliveryorder.create.request.xml"), StandardCharsets.UTF_8);
        String masked = PersonalData.maskBody(XML, xml);
        assertThat(masked).doesNotContain("13800000000").contains("<deliveryOrderCode>DO20240520000123</deliveryOrderCode>");
        assertThat(masked.length()).isCloseTo(xml.length(), org.assertj.core.data.Offset.offset(200));
        String json = new String(Samples.bytes("custom.json-body.request.json"), StandardCharsets.UTF_8);
        new ObjectMapper().readTree(PersonalData.maskBody(JSON, json));
    }
}
