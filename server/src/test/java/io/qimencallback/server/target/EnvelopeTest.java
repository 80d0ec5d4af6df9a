package io.qimencallback.server.target;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static QimenRequest request(byte[] body, Charset charset) {
        return QimenRequest.builder("taobao.qimen.deliveryorder.create").param("app_key", "12345678")
                .param("customerId", "C1").param("timestamp", "2026-12-01 08:00:00").param("format", "xml")
                .body(body, ContentKind.XML, MissingNode.getInstance())
                .contentType("text/xml;charset=" + charset.name(), charset)
                .receivedAt(Instant.parse("2026-12-01T00:00:00Z")).callId("c0ffee").build();
    }

    @Test
    void aCallCarriesWhatWasSignedAndTheBodyAsText() throws Exception {
        String xml = "<request><deliveryOrder><deliveryOrderCode>DO-1</deliveryOrderCode><receiverInfo><name>张三</name>"
                + "</receiverInfo></deliveryOrder></request>";
        JsonNode e = JSON.readTree(Envelope.ofCall(request(xml.getBytes(Charset.forName("GBK")), Charset.forName("GBK"))));
        assertThat(e.get("callId").asText()).isEqualTo("c0ffee");
        assertThat(e.has("entryId")).isFalse();
        assertThat(e.get("method").asText()).isEqualTo("taobao.qimen.deliveryorder.create");
        assertThat(e.get("normalizedMethod").asText()).isEqualTo("deliveryorder.create");
        assertThat(e.get("appKey").asText()).isEqualTo("12345678");
        assertThat(e.get("customerId").asText()).isEqualTo("C1");
        assertThat(e.get("params").get("timestamp").asText()).isEqualTo("2026-12-01 08:00:00");
        assertThat(e.get("params").has("sign")).isFalse();
        assertThat(e.get("body").asText()).isEqualTo(xml); // decoded from GBK: the envelope is UTF-8 JSON
        assertThat(e.has("bodyBase64")).isFalse();
        assertThat(e.get("charset").asText()).isEqualTo("GBK");
        assertThat(e.get("format").asText()).isEqualTo("xml");
        assertThat(e.get("receivedAt").asText()).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void anEntryCarriesItsIdsAndABodyThatIsNotTextGoesAsBase64() throws Exception {
        byte[] notUtf8 = {'<', 'a', '>', (byte) 0xC3, (byte) 0x28, '<', '/', 'a', '>'};
        JsonNode e = JSON.readTree(Envelope.ofEntry(request(notUtf8, StandardCharsets.UTF_8), 42, 3, "DO-1"));
        assertThat(e.get("entryId").asLong()).isEqualTo(42);
        assertThat(e.get("attempt").asInt()).isEqualTo(3);
        assertThat(e.get("businessKey").asText()).isEqualTo("DO-1");
        assertThat(e.get("body").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(e.get("bodyBase64").asText())).isEqualTo(notUtf8);
    }
}
