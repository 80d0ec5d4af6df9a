package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.sign.SignatureVerifier;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.AutoOnOff;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.diagnostics.SignatureDiagnostics;
import io.qimencallback.server.diagnostics.SignatureFailure;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Failed signatures, explained on the admin port: what is kept, what never is, and when it is on. */
class SignatureDiagnosticsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode>"
            + "<receiverInfo><name>张三丰</name><mobile>13912345678</mobile></receiverInfo></deliveryOrder></request>";

    private static JsonNode failures(TestServer s) throws Exception {
        HttpResponse<String> r = s.admin("/api/signature-failures");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    @Test
    void aFailedCallIsExplainedWithoutSecretsSignaturesOrPersonalData() throws Exception {
        try (TestServer s = TestServer.start(c -> c.signatureDiagnostics(AutoOnOff.ON))) {
            GatewayResponse r = s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST001")
                    .xmlBody(ORDER).bodyAfterSigning(ORDER.replace("DO1", "DO2")));
            assertThat(r.text()).contains("sign-check-failure");

            String body = s.admin("/api/signature-failures").body();
            JsonNode root = failures(s);
            assertThat(root.path("enabled").asBoolean()).isTrue();
            assertThat(root.path("capacity").asInt()).isEqualTo(100);
            assertThat(root.path("failures")).hasSize(1);
            JsonNode f = root.path("failures").get(0);
            assertThat(f.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(f.path("remote").asText()).isEqualTo("127.0.0.1");
            assertThat(f.path("method").asText()).isEqualTo("taobao.qimen.deliveryorder.create");
            assertThat(f.path("appKey").asText()).isEqualTo(TestServer.APP_KEY);
            assertThat(f.path("customerId").asText()).isEqualTo("CUST001");
            assertThat(f.path("signMethod").asText()).isEqualTo("md5");
            assertThat(f.path("received").asText()).matches("[0-9A-F]{32}");
            assertThat(f.path("explanation").asText()).contains("does NOT verify", "No variant matches", "«secret»");
            assertThat(f.path("variants")).hasSize(1);
            JsonNode v = f.path("variants").get(0);
            assertThat(v.path("signMethod").asText()).isEqualTo("md5");
            assertThat(v.path("blankPairs").asText()).isEqualTo("kept");
            assertThat(v.path("expectedPrefix").asText()).matches("[0-9A-F]{8}");
            assertThat(v.path("match").asBoolean()).isFalse();
            assertThat(f.path("canonical").asText()).startsWith("«secret»app_key" + TestServer.APP_KEY)
                    .contains("<deliveryOrderCode>DO2</deliveryOrderCode>", "<mobile>139****5678</mobile>",
                            "<name>张**</name>");
            assertThat(f.path("canonicalLength").asLong()).isEqualTo(f.path("canonical").asText().length());

            assertThat(body).doesNotContain(TestServer.SECRET, "13912345678", "张三丰");
            // the only full signature anywhere is the one the caller sent: a computed one would be a signing oracle
            Matcher hex = Pattern.compile("[0-9A-F]{32,64}").matcher(body);
            while (hex.find()) {
                assertThat(hex.group()).isEqualTo(f.path("received").asText());
            }
            assertThat(s.server().signatureDiagnostics().failures()).hasSize(1);
        }
    }

    @Test
    void unknownAppKeySaysThatNoSecretIsConfigured() throws Exception {
        try (TestServer s = TestServer.start(c -> c.signatureDiagnostics(AutoOnOff.ON))) {
            s.send(s.call("deliveryorder.create").appKey("nobody").xmlBody(ORDER));

            JsonNode f = failures(s).path("failures").get(0);
            assertThat(f.path("variants")).isEmpty();
            assertThat(f.path("explanation").asText()).startsWith("No secret is configured for app_key 'nobody'");
        }
    }

    @Test
    void offKeepsNothing() throws Exception {
        try (TestServer s = TestServer.start(c -> c.signatureDiagnostics(AutoOnOff.OFF))) {
            s.send(s.call("deliveryorder.create").secret("wrong").xmlBody(ORDER));

            assertThat(s.admin("/api/signature-failures").body()).isEqualTo("{\"enabled\":false,\"capacity\":0,\"failures\":[]}");
            assertThat(s.server().signatureDiagnostics().failures()).isEmpty();
        }
    }

    @Test
    void autoIsOnWithDemoCredentialsOnlyAndTheSettingParses() {
        assertThat(ConfigLoader.load(null, Map.of()).signatureDiagnostics()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:s-0123456789abcdef")).signatureDiagnostics()).isFalse();
        assertThat(ConfigLoader.load(null, Map.of("QIMEN_APPS", "k:s-0123456789abcdef", "QIMEN_SIGNATURE_DIAGNOSTICS", "on"))
                .signatureDiagnostics()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("QIMEN_SIGNATURE_DIAGNOSTICS", "OFF")).signatureDiagnostics()).isFalse();
        Assertions.assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QIMEN_SIGNATURE_DIAGNOSTICS", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QIMEN_SIGNATURE_DIAGNOSTICS")
                .hasMessageContaining("auto, on or off");
    }

    @Test
    void theRingIsBoundedNewestFirstAndAHugeBodyKeepsOnlyKilobytes() throws Exception {
        SignatureDiagnostics d = SignatureDiagnostics.withCapacity(3);
        for (int i = 0; i < 5; i++) {
            d.record(failure("m" + i, ORDER.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(d.failures()).extracting(SignatureDiagnostics.Failure::method).containsExactly("m4", "m3", "m2");

        byte[] huge = (ORDER + "<x>" + "13912345678 ".repeat(8 * 1024 * 1024 / 12) + "</x>").getBytes(StandardCharsets.UTF_8);
        d.record(failure("huge", huge));
        SignatureDiagnostics.Failure f = d.failures().get(0);
        assertThat(f.method()).isEqualTo("huge");
        assertThat(f.canonical()).hasSize(4096).doesNotContain("13912345678");
        assertThat(f.canonicalLength()).isGreaterThan(8_000_000L);
        assertThat(f.explanation().length()).isLessThan(20 * 1024);
        assertThat(d.failures()).hasSize(3);

        SignatureDiagnostics standard = SignatureDiagnostics.of(true);
        for (int i = 0; i < 150; i++) {
            standard.record(failure("m" + i, ORDER.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(standard.capacity()).isEqualTo(100);
        assertThat(standard.failures()).hasSize(100).first().extracting(SignatureDiagnostics.Failure::method).isEqualTo("m149");
    }

    private static SignatureFailure failure(String method, byte[] body) throws Exception {
        InboundCall call = InboundCall.parse(Samples.raw("method=" + method + "&app_key=k&sign=00&timestamp=t",
                Samples.XML_TYPE, body));
        List<String> secrets = List.of(TestServer.SECRET);
        return new SignatureFailure(call, "10.0.0.1", secrets,
                SignatureVerifier.check(call.signatureBase(), call.sign(), null, secrets));
    }
}
