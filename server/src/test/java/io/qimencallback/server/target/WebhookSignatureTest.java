package io.qimencallback.server.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    // the Standard Webhooks specification's own example (standard-webhooks/spec, libraries' tests)
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsAsTheSpecificationsExample() {
        assertThat(WebhookSignature.sign(ID, TIMESTAMP, PAYLOAD, List.of(WebhookSignature.key(SECRET))))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void duringARotationEverySecretSignsAndEitherVerifies() {
        byte[] current = WebhookSignature.key("a-new-forwarding-secret");
        byte[] old = WebhookSignature.key(SECRET);
        String header = WebhookSignature.sign(ID, TIMESTAMP, PAYLOAD, List.of(current, old));
        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, PAYLOAD, header, List.of(old))).isTrue();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, PAYLOAD, header, List.of(current))).isTrue();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, PAYLOAD, header,
                List.of(WebhookSignature.key("some-other-secret-value")))).isFalse();
    }

    @Test
    void anyChangeFailsVerification() {
        List<byte[]> keys = List.of(WebhookSignature.key(SECRET));
        String header = WebhookSignature.sign(ID, TIMESTAMP, PAYLOAD, keys);
        assertThat(WebhookSignature.verify(ID + "x", TIMESTAMP, PAYLOAD, header, keys)).isFalse();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP + 1, PAYLOAD, header, keys)).isFalse();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, "{}".getBytes(StandardCharsets.UTF_8), header, keys)).isFalse();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, PAYLOAD, "v1,not-base64!", keys)).isFalse();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, PAYLOAD, "v2," + header.substring(3), keys)).isFalse();
        assertThat(WebhookSignature.verify(ID, TIMESTAMP, PAYLOAD, null, keys)).isFalse();
    }

    @Test
    void aWhsecSecretMustBeBase64() {
        assertThatThrownBy(() -> WebhookSignature.key("whsec_***")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("***");
    }
}
