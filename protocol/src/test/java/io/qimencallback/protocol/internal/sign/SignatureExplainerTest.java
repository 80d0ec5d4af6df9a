package io.qimencallback.protocol.internal.sign;

import static io.qimencallback.protocol.Samples.FORM_TYPE;
import static io.qimencallback.protocol.Samples.JSON_TYPE;
import static io.qimencallback.protocol.Samples.SECRET;
import static io.qimencallback.protocol.Samples.XML_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.internal.http.InboundCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The explainer on the shared vectors, and the classic mistakes a sender's string shows. */
class SignatureExplainerTest {
    private static final String DELIVERY_SIGN = "46379706CBFD137F602DFBFB4D93A820";
    private static final String BODY = new String(Samples.bytes("deliveryorder.create.request.xml"), StandardCharsets.UTF_8);
    /** The sorted parameters of the delivery order sample, as its README gives them. */
    private static final String PARAMS = "app_key12345678customerIdCUST001formatxmlmethoddeliveryorder.create"
            + "sign_methodmd5timestamp2024-05-20 10:30:00v2.0";

    private static InboundCall call(String queryFile, String sign, String type, String bodyFile) throws Exception {
        return InboundCall.parse(Samples.raw(Samples.query(queryFile, sign), type, Samples.bytes(bodyFile)));
    }

    private static InboundCall delivery(String sign) throws Exception {
        return call("deliveryorder.create.query.txt", sign, XML_TYPE, "deliveryorder.create.request.xml");
    }

    @ParameterizedTest
    @CsvSource({
        "deliveryorder.create.query.txt, 46379706CBFD137F602DFBFB4D93A820, text/xml;charset=utf-8, deliveryorder.create.request.xml",
        "crm.order.detail.get.query.txt, 7F03D7CC7C5C26449B035E998552C469, application/x-www-form-urlencoded;charset=UTF-8, crm.order.detail.get.form.txt",
        "custom.json-body.query.txt, 927C77CAF9E2B54085B99248E4710614, application/json;charset=utf-8, custom.json-body.request.json",
        "wdt.custom.stockout.sales.querywithdetail.query.txt, 6BD40DE32B027BED55F14D132CCEDBD1, application/x-www-form-urlencoded;charset=UTF-8, wdt.custom.stockout.sales.querywithdetail.form.txt"})
    void everySharedVectorVerifiesWithItsVariantNamed(String query, String sign, String type, String body) throws Exception {
        SignatureExplanation e = SignatureExplainer.explain(call(query, sign, type, body).signatureEvidence(), SECRET);

        assertThat(e.verified()).isTrue();
        assertThat(e.variants()).last().satisfies(v -> {
            assertThat(v.method()).isEqualTo(SignMethod.MD5);
            assertThat(v.expected()).isEqualTo(sign);
            assertThat(v.matched()).isTrue();
        });
        assertThat(e.canonical()).startsWith(SignatureExplainer.SECRET_MASK).endsWith(SignatureExplainer.SECRET_MASK);
        assertThat(e.canonicalTruncated()).isFalse();
        assertThat(e.canonicalLength()).isEqualTo(e.canonical().length());
        assertThat(e.render()).contains("VERIFIED", "Verified: md5, blank pairs kept.").doesNotContain(SECRET);
        assertThat(e.difference()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "hmac, D875B48C74490FB3AA12054AD1EE5D73",
        "hmac-sha256, 94CAC482F1A3302614D16E2E9C6E367584ADB6D1801E9BB202D4B14446397E7A"})
    void hmacVectorsMatchOnTheNamedMethodFirst(String method, String sign) throws Exception {
        String query = Samples.query("deliveryorder.create.query.txt", sign).replace("sign_method=md5", "sign_method=" + method);
        InboundCall call = InboundCall.parse(Samples.raw(query, XML_TYPE, Samples.bytes("deliveryorder.create.request.xml")));
        SignatureExplanation e = SignatureExplainer.explain(call.signatureEvidence(), SECRET);

        assertThat(e.variants()).hasSize(1).first().satisfies(v -> {
            assertThat(v.method().wireName()).isEqualTo(method);
            assertThat(v.matched()).isTrue();
        });
        assertThat(e.canonical()).doesNotContain(SignatureExplainer.SECRET_MASK).startsWith("app_key12345678");
    }

    @Test
    void tamperedBodyFailsEveryVariantAndShowsSourcesAndBody() throws Exception {
        InboundCall call = InboundCall.parse(Samples.raw(Samples.query("deliveryorder.create.query.txt", DELIVERY_SIGN),
                XML_TYPE, BODY.replace("<planQty>2<", "<planQty>20<").getBytes(StandardCharsets.UTF_8)));
        SignatureExplanation e = SignatureExplainer.explain(call.signatureEvidence(), SECRET);

        assertThat(e.verified()).isFalse();
        assertThat(e.variants()).extracting(SignatureExplanation.Variant::label).containsExactly("md5, blank pairs kept");
        assertThat(e.sources()).containsEntry("app_key", ParamSource.QUERY).containsEntry("sign", ParamSource.QUERY);
        assertThat(e.bodySigned()).isTrue();
        assertThat(e.bodyLength()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8).length + 1);
        assertThat(e.render()).contains("does NOT verify", "query string: app_key, customerId", "No variant matches",
                "part of the string").doesNotContain(SECRET);
    }

    @Test
    void senderStringThatIsRightIsSaidToBe() throws Exception {
        SignatureExplanation e = SignatureExplainer.explain(delivery(DELIVERY_SIGN).signatureEvidence(), SECRET,
                SECRET + PARAMS + BODY + SECRET);

        assertThat(e.difference()).isEmpty();
        assertThat(e.notes()).anyMatch(n -> n.startsWith("Your string is exactly the md5, blank pairs kept string"));
    }

    private static SignatureExplanation.FirstDifference diff(InboundCall call, String senderString) {
        SignatureExplanation e = SignatureExplainer.explain(call.signatureEvidence(), SECRET, senderString);
        assertThat(e.render()).doesNotContain(SECRET);
        return e.difference().orElseThrow();
    }

    @Test
    void signIncluded() throws Exception {
        String withSign = PARAMS.replace("sign_method", "sign" + DELIVERY_SIGN + "sign_method");
        assertThat(diff(delivery(DELIVERY_SIGN), SECRET + withSign + BODY + SECRET).hint())
                .hasValueSatisfying(h -> assertThat(h).contains("contains the sign itself"));
    }

    @Test
    void secretMissingAtEitherEnd() throws Exception {
        SignatureExplanation.FirstDifference start = diff(delivery(DELIVERY_SIGN), PARAMS + BODY + SECRET);
        assertThat(start.index()).isZero();
        assertThat(start.expected()).startsWith(SignatureExplainer.SECRET_MASK);
        assertThat(start.hint()).hasValueSatisfying(h -> assertThat(h).contains("does not start with the secret"));

        SignatureExplanation.FirstDifference end = diff(delivery(DELIVERY_SIGN), SECRET + PARAMS + BODY);
        assertThat(end.found()).isEqualTo("(end)");
        assertThat(end.hint()).hasValueSatisfying(h -> assertThat(h).contains("does not end with the secret"));
    }

    @Test
    void hmacWithTheSecretWrapped() throws Exception {
        String query = Samples.query("deliveryorder.create.query.txt", "D875B48C74490FB3AA12054AD1EE5D73")
                .replace("sign_method=md5", "sign_method=hmac");
        InboundCall call = InboundCall.parse(Samples.raw(query, XML_TYPE, Samples.bytes("deliveryorder.create.request.xml")));
        String hmacParams = PARAMS.replace("sign_methodmd5", "sign_methodhmac");

        SignatureExplanation wrapped = SignatureExplainer.explain(call.signatureEvidence(), SECRET,
                SECRET + hmacParams + BODY + SECRET);
        assertThat(wrapped.notes()).anyMatch(n -> n.contains("exactly the md5, blank pairs kept string")
                && n.contains("sign_method names hmac, which does not wrap"));

        SignatureExplanation.FirstDifference d = diff(call, SECRET + hmacParams + BODY);
        assertThat(d.comparedWith()).isEqualTo("hmac, blank pairs kept");
        assertThat(d.hint()).hasValueSatisfying(h -> assertThat(h).contains("hmac does not wrap the string in the secret"));
    }

    @Test
    void urlEncodedValueSigned() throws Exception {
        String encoded = PARAMS.replace("2024-05-20 10:30:00", "2024-05-20+10%3A30%3A00");
        SignatureExplanation.FirstDifference d = diff(delivery(DELIVERY_SIGN), SECRET + encoded + BODY + SECRET);

        assertThat(d.expected()).startsWith(" 10:30:00");
        assertThat(d.found()).startsWith("+10%3A30");
        assertThat(d.hint()).hasValueSatisfying(h -> assertThat(h).contains("value of 'timestamp' is URL-encoded"));
    }

    @Test
    void parametersNotSorted() throws Exception {
        // in the order of the query string, as a sender that forgot to sort would concatenate them
        String arrival = "methoddeliveryorder.createtimestamp2024-05-20 10:30:00formatxmlapp_key12345678v2.0"
                + "sign_methodmd5customerIdCUST001";
        SignatureExplanation.FirstDifference d = diff(delivery(DELIVERY_SIGN), SECRET + arrival + BODY + SECRET);

        assertThat(d.index()).isEqualTo(SignatureExplainer.SECRET_MASK.length());
        assertThat(d.hint()).hasValueSatisfying(h -> assertThat(h).contains("not sorted by name"));
    }

    @Test
    void bodyMissingOrChanged() throws Exception {
        assertThat(diff(delivery(DELIVERY_SIGN), SECRET + PARAMS + SECRET).hint())
                .hasValueSatisfying(h -> assertThat(h).contains("the body is missing"));
        assertThat(diff(delivery(DELIVERY_SIGN), SECRET + PARAMS + BODY + "\n" + SECRET).hint())
                .hasValueSatisfying(h -> assertThat(h).contains("inside the body"));
    }

    @Test
    void formBodySignedAsText() throws Exception {
        String sign = "7F03D7CC7C5C26449B035E998552C469";
        InboundCall call = call("crm.order.detail.get.query.txt", sign, FORM_TYPE, "crm.order.detail.get.form.txt");
        String exact = SignatureExplainer.explain(call.signatureEvidence(), SECRET).canonical();
        String form = new String(Samples.bytes("crm.order.detail.get.form.txt"), StandardCharsets.UTF_8);
        // the query parameters, sorted, then the raw form body: a sender treating the form like a text body
        String queryOnly = SignatureBase.of(
                io.qimencallback.protocol.internal.http.UrlEncoding.parseQuery(Samples.query("crm.order.detail.get.query.txt", sign),
                        StandardCharsets.UTF_8), null, StandardCharsets.UTF_8).canonicalParams();

        SignatureExplanation.FirstDifference d = diff(call, SECRET + queryOnly + form + SECRET);
        assertThat(exact).doesNotContain(form);
        assertThat(d.hint()).hasValueSatisfying(h -> assertThat(h).contains("form posts sign the form fields"));
    }

    @Test
    void blankValueKeptWhenSigningButNotSent() throws Exception {
        String withBlank = PARAMS.replace("sign_method", "sessionsign_method");
        SignatureExplanation.FirstDifference d = diff(delivery(DELIVERY_SIGN), SECRET + withBlank + BODY + SECRET);

        assertThat(d.hint()).hasValueSatisfying(h -> assertThat(h).contains("'session' with an empty value"));
    }

    @Test
    void blankValueReceivedAndDroppedWhenSigningMatchesTheDroppedVariant() throws Exception {
        String query = Samples.query("deliveryorder.create.query.txt", DELIVERY_SIGN) + "&session=";
        InboundCall call = InboundCall.parse(Samples.raw(query, XML_TYPE, Samples.bytes("deliveryorder.create.request.xml")));
        SignatureExplanation e = SignatureExplainer.explain(call.signatureEvidence(), SECRET, SECRET + PARAMS + BODY + SECRET);

        assertThat(e.verified()).isTrue();
        assertThat(e.variants()).extracting(SignatureExplanation.Variant::label)
                .containsExactly("md5, blank pairs kept", "md5, blank pairs dropped");
        assertThat(e.canonicalVariant()).isEqualTo("md5, blank pairs dropped");
        assertThat(e.notes()).anyMatch(n -> n.contains("Blank-valued parameters [session]"))
                .anyMatch(n -> n.startsWith("Your string is exactly the md5, blank pairs dropped string"));
    }

    @Test
    void lowerCaseHexAndSignShape() throws Exception {
        SignatureExplanation lower = SignatureExplainer.explain(delivery(DELIVERY_SIGN.toLowerCase()).signatureEvidence(), SECRET);
        assertThat(lower.verified()).isTrue();
        assertThat(lower.notes()).anyMatch(n -> n.contains("lower-case hex"));

        SignatureExplanation sha = SignatureExplainer.explain(delivery(
                "94CAC482F1A3302614D16E2E9C6E367584ADB6D1801E9BB202D4B14446397E7A").signatureEvidence(), SECRET);
        assertThat(sha.verified()).isFalse();
        assertThat(sha.notes()).anyMatch(n -> n.contains("64 hex digits, as hmac-sha256 gives, but sign_method is 'md5'"));

        String lowerParams = PARAMS.replace("customerId", "customerid");
        assertThat(diff(delivery(DELIVERY_SIGN), SECRET + lowerParams + BODY + SECRET).hint())
                .hasValueSatisfying(h -> assertThat(h).contains("letter case"));
    }

    @Test
    void headerAndFormSourcesAreNamed() throws Exception {
        InboundCall call = InboundCall.parse(Samples.raw("method=m&app_key=k&sign=S",
                Map.of("Content-Type", FORM_TYPE, "top-sign-list", "x-a", "x-a", "1"),
                "remark=hi&app_key=k".getBytes(StandardCharsets.UTF_8)));
        SignatureExplanation e = SignatureExplainer.explain(call.signatureEvidence(), SECRET);

        assertThat(e.sources()).containsEntry("x-a", ParamSource.HEADER).containsEntry("remark", ParamSource.FORM)
                .containsEntry("app_key", ParamSource.QUERY);
        assertThat(e.render()).contains("top-sign-list headers: x-a", "form fields: remark", "not part of the string");
    }

    @Test
    void fromAttemptsKeepsOnlyPrefixesAndABoundedMaskedString() throws Exception {
        String phoneBody = BODY + "<x>13812345678</x>".repeat(2000);
        InboundCall call = InboundCall.parse(Samples.raw(Samples.query("deliveryorder.create.query.txt", DELIVERY_SIGN),
                XML_TYPE, phoneBody.getBytes(StandardCharsets.UTF_8)));
        SignatureVerifier.Verification v = SignatureVerifier.check(call.signatureBase(), call.sign(), "md5",
                List.of("other", SECRET));
        UnaryOperator<String> phones = s -> s.replaceAll("1[3-9]\\d{9}", "138****5678");
        SignatureExplanation e = SignatureExplainer.fromAttempts(call.signatureEvidence(), v.attempts(),
                UnaryOperator.identity(), new SignatureExplainer.Limits(4096, 8, phones));

        assertThat(e.variants()).hasSize(2).allSatisfy(x -> assertThat(x.expected()).hasSize(9).endsWith("…"));
        assertThat(e.variants()).extracting(SignatureExplanation.Variant::secretIndex).containsExactly(0, 1);
        assertThat(e.canonical()).hasSize(4096).doesNotContain("13812345678");
        assertThat(e.canonicalTruncated()).isTrue();
        assertThat(e.canonicalLength()).isEqualTo(call.signatureBase().explain(SignMethod.MD5, SignatureExplainer.SECRET_MASK).length());
        assertThat(e.render()).contains("secret #2");
    }
}
