package io.qimencallback.protocol.internal.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qimencallback.protocol.FuzzInput;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The signed string and the verifier on any parameters, body, claimed sign, sign_method and secrets: no exception,
 * the same answer every time, a signature computed for the named method verifies, and the bounded diagnostic string
 * is the start of the whole one.
 *
 * <p>Input: sign_method line, claimed sign line ({@code -}: none), secrets line (comma-separated), parameters line
 * (a query string), charset line ({@code gbk}, or {@code form} for no signed body), then the body.
 */
class SignatureFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void verify(byte[] input) {
        FuzzInput in = FuzzInput.split(input, 6);
        String signMethod = in.text(0);
        String claimed = in.text(1).equals("-") ? null : in.text(1);
        List<String> secrets = Arrays.asList(in.text(2).split(",", 3));
        Charset charset = in.text(4).equals("gbk") ? Charset.forName("GBK") : StandardCharsets.UTF_8;
        Map<String, String> params = UrlEncoding.parseQuery(in.text(3), charset);
        byte[] body = in.text(4).equals("form") ? null : in.bytes(5);

        SignatureBase base = SignatureBase.of(params, body, charset);
        assertThat(base.params()).doesNotContainKey("sign");
        SignatureVerifier.Verification first = SignatureVerifier.check(base, claimed, signMethod, secrets);
        SignatureVerifier.Verification second = SignatureVerifier.check(SignatureBase.of(params, body, charset),
                claimed, signMethod, secrets);
        assertThat(second).as("deterministic").isEqualTo(first);
        assertThat(first.attempts().size()).isLessThanOrEqualTo(secrets.size() * 2 * 2);
        for (SignatureVerifier.Attempt a : first.attempts()) {
            assertThat(a.expected()).matches("[0-9A-F]{32}|[0-9A-F]{64}");
        }
        SignMethod named = SignatureVerifier.methodsToTry(signMethod).get(0);
        for (String secret : secrets) {
            if (secret.isEmpty()) {
                assertThat(first.attempts()).as("an empty secret is never tried")
                        .noneMatch(a -> secrets.get(a.secretIndex()).isEmpty());
                continue;
            }
            String good = named.sign(base, secret);
            assertThat(SignatureVerifier.verify(base, good.toLowerCase(Locale.ROOT), signMethod, secrets))
                    .as("a signature made with one of the secrets verifies").isPresent();
        }
        for (SignMethod m : SignMethod.values()) {
            String whole = base.explain(m, "«secret»");
            assertThat(base.explainedLength(m, "«secret»")).isEqualTo(whole.length());
            int max = Math.floorMod(input.length * 31, 300) + 1;
            String bounded = base.explain(m, "«secret»", max);
            assertThat(bounded.length()).isLessThanOrEqualTo(max);
            assertThat(whole).startsWith(bounded);
        }
    }
}
