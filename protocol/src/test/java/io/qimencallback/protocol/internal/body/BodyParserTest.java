package io.qimencallback.protocol.internal.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.ContentKind;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodyParserTest {
    private static final Charset UTF8 = StandardCharsets.UTF_8;

    @Test
    void deliveryOrderXmlBecomesATree() throws Exception {
        JsonNode tree = BodyParser.parse(ContentKind.XML, Samples.bytes("deliveryorder.create.request.xml"), UTF8);

        assertThat(tree.at("/deliveryOrder/deliveryOrderCode").asText()).isEqualTo("DO20240520000123");
        assertThat(tree.at("/deliveryOrder/receiverInfo/area").asText()).isEqualTo("浦东新区");
        assertThat(tree.at("/orderLines/orderLine/itemCode").asText()).isEqualTo("SKU-TEE-WHT-M");
    }

    @Test
    void repeatedElementsBecomeArrays() throws Exception {
        String xml = "<request><orderLines><orderLine><n>1</n></orderLine><orderLine><n>2</n></orderLine></orderLines></request>";
        JsonNode tree = BodyParser.parse(ContentKind.XML, xml.getBytes(UTF8), UTF8);

        assertThat(tree.at("/orderLines/orderLine").isArray()).isTrue();
        assertThat(tree.at("/orderLines/orderLine/1/n").asText()).isEqualTo("2");
    }

    @Test
    void externalEntityIsRefusedAndNothingIsRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<request><a>&x;</a></request>";

        assertInvalidBody(xxe.getBytes(UTF8), ContentKind.XML);
    }

    @Test
    void entityExpansionBombIsRefused() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            b.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        b.append("]><lolz>&lol9;</lolz>");

        assertInvalidBody(b.toString().getBytes(UTF8), ContentKind.XML);
    }

    @Test
    void undeclaredEntityReferenceIsRefused() {
        assertInvalidBody("<request><a>&ext;</a></request>".getBytes(UTF8), ContentKind.XML);
    }

    @Test
    void malformedXmlAndJsonAreInvalidBody() {
        assertInvalidBody("<request><a></request>".getBytes(UTF8), ContentKind.XML);
        assertInvalidBody("{\"a\":".getBytes(UTF8), ContentKind.JSON);
        assertInvalidBody("[".repeat(5000).getBytes(UTF8), ContentKind.JSON);
    }

    @Test
    void nonUtf8CharsetIsHonoured() throws Exception {
        Charset gbk = Charset.forName("GBK");
        JsonNode json = BodyParser.parse(ContentKind.JSON, "{\"shop\":\"示例旗舰店\"}".getBytes(gbk), gbk);
        JsonNode xml = BodyParser.parse(ContentKind.XML, "<request><shop>示例旗舰店</shop></request>".getBytes(gbk), gbk);

        assertThat(json.get("shop").asText()).isEqualTo("示例旗舰店");
        assertThat(xml.get("shop").asText()).isEqualTo("示例旗舰店");
    }

    @Test
    void formBodyBecomesAnObjectOfFields() throws Exception {
        JsonNode tree = BodyParser.parse(ContentKind.FORM, Samples.bytes("wdt.custom.stockout.sales.querywithdetail.form.txt"), UTF8);

        assertThat(tree.get("wdt_sign").asText()).isEqualTo("e9fe9f7e2433b1c539cfaf55a6fcce76");
        assertThat(tree.get("pager").asText()).isEqualTo("{\"page_size\":50,\"page_no\":0}");
    }

    private static void assertInvalidBody(byte[] body, ContentKind kind) {
        assertThatThrownBy(() -> BodyParser.parse(kind, body, UTF8))
                .isInstanceOfSatisfying(QimenException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_BODY);
                    assertThat(e.getMessage()).doesNotContain("TOP-SECRET-CONTENT");
                });
    }

    @Test
    void findStreamsToTheFirstValueAtAPath() throws Exception {
        byte[] xml = ("<request><other><deliveryOrderCode>WRONG</deliveryOrderCode></other><deliveryOrder a=\"1\">"
                + "<x><y>1</y></x><deliveryOrderCode>DO1</deliveryOrderCode></deliveryOrder></request>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThat(BodyParser.find(io.qimencallback.protocol.ContentKind.XML, xml,
                java.nio.charset.StandardCharsets.UTF_8, "deliveryOrder/deliveryOrderCode")).contains("DO1");
        org.assertj.core.api.Assertions.assertThat(BodyParser.find(io.qimencallback.protocol.ContentKind.XML, xml,
                java.nio.charset.StandardCharsets.UTF_8, "deliveryOrder/missing")).isEmpty();
        byte[] json = "{\"a\":{\"b\":[1,2]},\"order\":{\"code\":\"C7\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThat(BodyParser.find(io.qimencallback.protocol.ContentKind.JSON, json,
                java.nio.charset.StandardCharsets.UTF_8, "order/code")).contains("C7");
        // the same answer as the tree gives, for the bundled sample
        byte[] sample = getClass().getResourceAsStream("/samples/deliveryorder.create.request.xml").readAllBytes();
        org.assertj.core.api.Assertions.assertThat(BodyParser.find(io.qimencallback.protocol.ContentKind.XML, sample,
                java.nio.charset.StandardCharsets.UTF_8, "deliveryOrder/deliveryOrderCode")).contains(
                BodyParser.parse(io.qimencallback.protocol.ContentKind.XML, sample,
                        java.nio.charset.StandardCharsets.UTF_8).at("/deliveryOrder/deliveryOrderCode").asText());
    }
}
