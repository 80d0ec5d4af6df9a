package io.qimencallback.protocol.internal.http;

import static io.qimencallback.protocol.Samples.FORM_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What is refused before a signature is even computed, and what a handler may trust after. */
class InboundCallTest {

    private static InboundCall form(String query, String body) throws QimenException {
        return InboundCall.parse(Samples.raw(query, FORM_TYPE, body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertInvalidBody(ThrowingCall call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(QimenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_BODY);
            assertThat(e.getMessage()).contains(message);
        });
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void tooManyParametersAreRefusedBeforeDecoding() {
        assertInvalidBody(() -> form("method=m", "a=1&".repeat(InboundCall.MAX_PARAMETERS)), "more than 1000 parameters");
        assertInvalidBody(() -> form("a=1&".repeat(InboundCall.MAX_PARAMETERS), ""), "more than 1000 parameters");
    }

    @Test
    void repeatedFormFieldIsRefused() {
        assertInvalidBody(() -> form("method=m", "pageNo=1&pageNo=999"), "form field 'pageNo' appears more than once");
    }

    @Test
    void formFieldContradictingTheQueryIsRefusedAndAnAgreeingOneAccepted() throws Exception {
        assertInvalidBody(() -> form("method=m&app_key=k", "pageNo=1&method=evil"), "form field 'method' differs");
        InboundCall same = form("method=m&app_key=k", "pageNo=1&method=m");
        assertThat(same.formFields()).containsEntry("method", "m").containsEntry("pageNo", "1");
    }

    @Test
    void onlyUtf8AndGbkCharsets() throws Exception {
        assertInvalidBody(() -> InboundCall.parse(Samples.raw("method=m", "text/xml;charset=ISO-8859-1", "<a/>".getBytes())),
                "unsupported charset");
        assertInvalidBody(() -> InboundCall.parse(Samples.raw("method=m", "text/xml;charset=nonsense", "<a/>".getBytes())),
                "unsupported charset");
        assertThat(InboundCall.parse(Samples.raw("method=m", "text/xml;charset=gbk", "<a/>".getBytes()))
                .contentType().charset().name()).isEqualTo("GBK");
    }

    @Test
    void signedParamsLeaveOutBlankPairsWhenOnlyTheSenderVariantMatched() throws Exception {
        InboundCall call = form("method=m&app_key=k&extra=%20", "%20=payload&ok=1");

        assertThat(call.signedParams(false)).containsKeys("extra", " ", "ok");
        assertThat(call.signedParams(true)).doesNotContainKeys("extra", " ").containsEntry("ok", "1");
    }
}
