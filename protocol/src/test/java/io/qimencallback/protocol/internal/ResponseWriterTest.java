package io.qimencallback.protocol.internal;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.Samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseWriterTest {

    @Test
    void signFailureXmlMatchesTheSample() {
        String xml = render(QimenResponse.failure(ErrorCode.SIGN_CHECK_FAILURE), ResponseFormat.XML);

        assertThat(xml).isEqualTo(compact(Samples.text("response.sign-check-failure.xml")));
    }

    @Test
    void signFailureJsonMatchesTheSampleWithSubCodes() {
        String json = render(QimenResponse.failure(ErrorCode.SIGN_CHECK_FAILURE), ResponseFormat.JSON);

        assertThat(json).isEqualTo(Samples.text("response.sign-check-failure.json"));
    }

    @Test
    void deliveryOrderSuccessMatchesTheSample() {
        QimenResponse r = QimenResponse.success()
                .with("createTime", "2024-05-20 10:30:01")
                .with("deliveryOrderId", "WMS-OB-20240520-0000457")
                .with("warehouseCode", "WH-HZ-01")
                .with("logisticsCode", "YTO");

        assertThat(render(r, ResponseFormat.XML)).isEqualTo(compact(Samples.text("deliveryorder.create.response.success.xml")));
    }

    @Test
    void anyTreeRendersAsAnXmlDocumentUnderItsRoot() throws Exception {
        var tree = new ObjectMapper().readTree("{\"a\":\"x<&>\",\"lines\":{\"line\":[{\"n\":1},{\"n\":2}]},\"z\":null}");

        assertThat(ResponseWriter.xmlDocument("request", tree)).isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<request><a>x&lt;&amp;&gt;</a><lines><line><n>1</n></line><line><n>2</n></line></lines><z/></request>");
    }

    @Test
    void listsRenderAsRepeatedElements() {
        Map<String, Object> item = Map.of("itemCode", "SKU-TEE-WHT-M");
        QimenResponse r = QimenResponse.success().with("items", Map.of("item", List.of(item, item)));

        assertThat(render(r, ResponseFormat.XML)).endsWith("<message>ok</message><items><item><itemCode>SKU-TEE-WHT-M"
                + "</itemCode></item><item><itemCode>SKU-TEE-WHT-M</itemCode></item></items></response>");
        assertThat(render(r, ResponseFormat.JSON)).isEqualTo("{\"response\":{\"flag\":\"success\",\"code\":\"0\","
                + "\"message\":\"ok\",\"items\":{\"item\":[{\"itemCode\":\"SKU-TEE-WHT-M\"},{\"itemCode\":\"SKU-TEE-WHT-M\"}]}}}");
    }

    @Test
    void textIsEscapedAndControlCharactersDropped() throws Exception {
        QimenResponse r = QimenResponse.failure("E1", "bad <input> & \u0001more");

        assertThat(render(r, ResponseFormat.XML)).contains("<message>bad &lt;input&gt; &amp; more</message>");
        assertThat(new ObjectMapper().readTree(render(r, ResponseFormat.JSON)).at("/response/message").asText())
                .isEqualTo("bad <input> & \u0001more");
    }

    @Test
    void xmlRoundTripsThroughAStrictParser() throws Exception {
        String tricky = "收货人 张三 <b>&amp;</b> \"quoted\" 'single' ]]> 😀 tab\there\r\nline \u0000\u001F\uFFFF end";
        QimenResponse r = QimenResponse.success(tricky)
                .with("nested", Map.of("1bad key", List.of("a", "b"), "ok", Map.of("deep", tricky)));

        var tree = io.qimencallback.protocol.internal.body.BodyParser.parse(io.qimencallback.protocol.ContentKind.XML,
                ResponseWriter.render(r, ResponseFormat.XML), StandardCharsets.UTF_8);
        String expected = tricky.replace("\u0000", "").replace("\u001F", "").replace("\uFFFF", "").replace("\r\n", "\n");
        assertThat(tree.path("message").asText()).isEqualTo(expected);
        assertThat(tree.at("/nested/ok/deep").asText()).isEqualTo(expected);
        assertThat(tree.at("/nested/_bad_key").size()).isEqualTo(2);
    }

    private static String render(QimenResponse r, ResponseFormat f) {
        return new String(ResponseWriter.render(r, f), StandardCharsets.UTF_8);
    }

    private static String compact(String xml) {
        return xml.replaceAll(">\\s+<", "><");
    }
}
