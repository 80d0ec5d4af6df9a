package io.qimencallback.protocol.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.FuzzInput;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.sign.SignMethod;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request parser on anything a caller can send before its signature is checked: query string, headers (the
 * signed-header list included) and body. It answers a call or refuses it with {@code invalid-body}; nothing else,
 * and the same every time.
 *
 * <p>Input: Content-Type line (empty: none), raw query line, {@code top-sign-list} line, one {@code Name:value}
 * header line, then the body.
 */
class InboundCallFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parse(byte[] input) {
        FuzzInput in = FuzzInput.split(input, 5);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (!in.text(0).isEmpty()) {
            headers.put("Content-Type", in.text(0));
        }
        if (!in.text(2).isEmpty()) {
            headers.put(SystemParams.SIGN_LIST_HEADER, in.text(2));
        }
        String header = in.text(3);
        int colon = header.indexOf(':');
        if (colon > 0) {
            headers.put(header.substring(0, colon), header.substring(colon + 1));
        }
        RawRequest raw = new RawRequest("POST", in.text(1), headers::get, in.bytes(4), "127.0.0.1", Instant.EPOCH);
        InboundCall call;
        try {
            call = InboundCall.parse(raw);
        } catch (QimenException e) {
            // the two refusals parsing has: a body it cannot take, a query parameter with an empty name
            assertThat(e.errorCode()).isIn(ErrorCode.INVALID_BODY, ErrorCode.INVALID_PARAMETER);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(300);
            return;
        }
        assertThat(call.params()).as("no parameter with an empty name passes").doesNotContainKey("");
        assertThat(call.params().size()).isLessThanOrEqualTo(InboundCall.MAX_PARAMETERS + 100);
        assertThat(call.signatureBase().params()).doesNotContainKey(SystemParams.SIGN);
        assertThat(call.sources().keySet()).isEqualTo(call.params().keySet());
        assertThat(call.signatureEvidence().bodyLength()).isEqualTo(input.length - (input.length - in.bytes(4).length));
        InboundCall again;
        try {
            again = InboundCall.parse(raw);
        } catch (QimenException e) {
            throw new AssertionError("accepted once, refused the second time", e);
        }
        assertThat(again.params()).isEqualTo(call.params());
        assertThat(again.signatureBase().explain(SignMethod.MD5, "S")).isEqualTo(call.signatureBase().explain(SignMethod.MD5, "S"));
    }
}
