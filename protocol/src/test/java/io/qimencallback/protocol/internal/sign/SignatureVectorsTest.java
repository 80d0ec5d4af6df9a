package io.qimencallback.protocol.internal.sign;

import static io.qimencallback.protocol.Samples.FORM_TYPE;
import static io.qimencallback.protocol.Samples.JSON_TYPE;
import static io.qimencallback.protocol.Samples.SECRET;
import static io.qimencallback.protocol.Samples.XML_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.internal.http.InboundCall;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every vector of {@code samples/README.md} and spec §3.6, through the same parsing a server request takes. */
class SignatureVectorsTest {

    @Test
    void publishedQimenDocExample() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("app_key", "testerp_appkey");
        p.put("customerId", "stub-cust-code");
        p.put("format", "xml");
        p.put("method", "taobao.qimen.entryorder.query");
        p.put("sign_method", "md5");
        p.put("timestamp", "2015-04-26 00:00:07");
        p.put("v", "1.0");
        SignatureBase base = SignatureBase.of(p, new byte[0], StandardCharsets.UTF_8);

        assertThat(SignMethod.MD5.sign(base, "test")).isEqualTo("D06D88CB34B2EC0E5C9BAB396C9542B6");
        assertThat(base.explain(SignMethod.MD5, "test")).isEqualTo("testapp_keytesterp_appkeycustomerIdstub-cust-code"
                + "formatxmlmethodtaobao.qimen.entryorder.querysign_methodmd5timestamp2015-04-26 00:00:07v1.0test");
    }

    @ParameterizedTest
    @CsvSource({
        "md5, 46379706CBFD137F602DFBFB4D93A820",
        "hmac, D875B48C74490FB3AA12054AD1EE5D73",
        "hmac-sha256, 94CAC482F1A3302614D16E2E9C6E367584ADB6D1801E9BB202D4B14446397E7A"})
    void deliveryOrderXmlBodyEverySignMethod(String signMethod, String expected) throws Exception {
        String query = Samples.query("deliveryorder.create.query.txt", expected)
                .replace("sign_method=md5", "sign_method=" + signMethod);
        InboundCall call = InboundCall.parse(Samples.raw(query, XML_TYPE, Samples.bytes("deliveryorder.create.request.xml")));

        SignMethod method = SignMethod.fromWireName(signMethod).orElseThrow();
        assertThat(method.sign(call.signatureBase(), SECRET)).isEqualTo(expected);
        assertThat(SignatureVerifier.verify(call.signatureBase(), call.sign(), call.param("sign_method"), List.of(SECRET)))
                .contains(new SignatureVerifier.Match(method, false));
    }

    @Test
    void crmFormPostSignsFieldsNotBody() throws Exception {
        String sign = "7F03D7CC7C5C26449B035E998552C469";
        InboundCall call = InboundCall.parse(Samples.raw(Samples.query("crm.order.detail.get.query.txt", sign), FORM_TYPE,
                Samples.bytes("crm.order.detail.get.form.txt")));

        assertThat(call.signatureBase().signsBody()).isFalse();
        assertThat(call.param("extendProps")).contains("\"wdt_sign\":\"148896b5fcc329688af21b314df694e0\"");
        assertThat(SignMethod.MD5.sign(call.signatureBase(), SECRET)).isEqualTo(sign);
    }

    @Test
    void customJsonBody() throws Exception {
        String sign = "927C77CAF9E2B54085B99248E4710614";
        InboundCall call = InboundCall.parse(Samples.raw(Samples.query("custom.json-body.query.txt", sign), JSON_TYPE,
                Samples.bytes("custom.json-body.request.json")));

        assertThat(SignMethod.MD5.sign(call.signatureBase(), SECRET)).isEqualTo(sign);
    }

    @Test
    void wdtCustomFormCall() throws Exception {
        String sign = "6BD40DE32B027BED55F14D132CCEDBD1";
        InboundCall call = InboundCall.parse(Samples.raw(
                Samples.query("wdt.custom.stockout.sales.querywithdetail.query.txt", sign), FORM_TYPE,
                Samples.bytes("wdt.custom.stockout.sales.querywithdetail.form.txt")));

        assertThat(SignMethod.MD5.sign(call.signatureBase(), SECRET)).isEqualTo(sign);
    }

    @Test
    void wrongSecretOrTamperedBodyDoesNotVerify() throws Exception {
        String sign = "46379706CBFD137F602DFBFB4D93A820";
        String query = Samples.query("deliveryorder.create.query.txt", sign);
        byte[] body = Samples.bytes("deliveryorder.create.request.xml");
        InboundCall good = InboundCall.parse(Samples.raw(query, XML_TYPE, body));
        assertThat(SignatureVerifier.verify(good.signatureBase(), sign, "md5", List.of("other-secret"))).isEmpty();

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("<planQty>2<", "<planQty>20<")
                .getBytes(StandardCharsets.UTF_8);
        InboundCall bad = InboundCall.parse(Samples.raw(query, XML_TYPE, tampered));
        assertThat(SignatureVerifier.verify(bad.signatureBase(), sign, "md5", List.of(SECRET))).isEmpty();
    }

    @Test
    void lowerCaseSignAndSecondSecretAreAccepted() throws Exception {
        String sign = "46379706CBFD137F602DFBFB4D93A820";
        InboundCall call = InboundCall.parse(Samples.raw(Samples.query("deliveryorder.create.query.txt", sign.toLowerCase()),
                XML_TYPE, Samples.bytes("deliveryorder.create.request.xml")));

        assertThat(SignatureVerifier.verify(call.signatureBase(), call.sign(), "md5", List.of("old", SECRET))).isPresent();
    }

    @Test
    void hmacIsOnlyTriedWhenSignMethodNamesIt() throws Exception {
        // the hmac vector, but the request claims md5: SpiUtils semantics would reject it, and so do we
        String query = Samples.query("deliveryorder.create.query.txt", "D875B48C74490FB3AA12054AD1EE5D73");
        InboundCall call = InboundCall.parse(Samples.raw(query, XML_TYPE, Samples.bytes("deliveryorder.create.request.xml")));

        assertThat(SignatureVerifier.verify(call.signatureBase(), call.sign(), "md5", List.of(SECRET))).isEmpty();
    }

    @Test
    void emptyValuedParametersMayBeDroppedBySender() throws Exception {
        Map<String, String> withEmpty = new LinkedHashMap<>(Map.of("method", "x.y", "app_key", "k", "session", ""));
        SignatureBase base = SignatureBase.of(withEmpty, null, StandardCharsets.UTF_8);
        String senderSign = SignMethod.MD5.sign(base.withoutEmptyValues(), SECRET);

        assertThat(senderSign).isNotEqualTo(SignMethod.MD5.sign(base, SECRET));
        assertThat(SignatureVerifier.verify(base, senderSign, null, List.of(SECRET)))
                .contains(new SignatureVerifier.Match(SignMethod.MD5, true));
    }

    @Test
    void signedHeadersFromTopSignList() throws Exception {
        Map<String, String> headers = Map.of("Content-Type", XML_TYPE, "top-sign-list", "x-a,x-missing",
                "x-a", "hello%20world");
        InboundCall call = InboundCall.parse(Samples.raw("method=m&sign=S", headers, new byte[0]));

        assertThat(call.signatureBase().params()).containsEntry("x-a", "hello world").containsEntry("x-missing", "");
    }
}
