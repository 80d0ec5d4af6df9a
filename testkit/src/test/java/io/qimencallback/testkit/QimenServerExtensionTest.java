package io.qimencallback.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QimenServerExtensionTest {
    @RegisterExtension
    static final QimenServerExtension server = QimenServerExtension.builder()
            .handler(new EchoHandler())
            .plugin("echo", Map.of("greeting", "ni hao"))
            .build();

    record Echo(String deliveryOrderCode, String customerId, String greeting) {
    }

    @Test
    void aSignedCallReachesTheHandlerOverRealHttpWithItsSettings() {
        QimenAnswer a = server.gateway().call("deliveryorder.create")
                .xml("<request><deliveryOrder><deliveryOrderCode>DO-1</deliveryOrderCode></deliveryOrder></request>")
                .customerId("C1").send();

        assertThat(a.httpStatus()).isEqualTo(200);
        assertThat(a.isSuccess()).as(a.raw()).isTrue();
        assertThat(a.flag()).isEqualTo("success");
        assertThat(a.code()).isEqualTo("0");
        assertThat(a.contentType()).startsWith("text/xml");
        assertThat(a.field("deliveryOrderCode")).isEqualTo("DO-1");
        assertThat(a.as(Echo.class)).isEqualTo(new Echo("DO-1", "C1", "ni hao"));
        assertThat(a.field("callId")).isNotBlank();
    }

    @Test
    void theFixtureCanBeSentAsJsonAndAnswersInJson() {
        QimenAnswer a = server.gateway().call("taobao.qimen.deliveryorder.create").fixture().format("json")
                .signMethod("hmac-sha256").send();

        assertThat(a.isSuccess()).as(a.raw()).isTrue();
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.raw()).startsWith("{\"response\":");
        assertThat(a.field("/deliveryOrderCode")).isNotBlank();
    }

    @Test
    void callsNoHandlerTakesAreStoredInTheInbox() {
        QimenAnswer a = server.gateway().call("entryorder.create").fixture().customerId("OWNER-7").send();

        assertThat(a.isSuccess()).as(a.raw()).isTrue();
        List<StoredCall> stored = server.inbox();
        StoredCall entry = stored.stream().filter(c -> "OWNER-7".equals(c.customerId())).findFirst().orElseThrow();
        assertThat(entry.method()).isEqualTo("entryorder.create");
        assertThat(entry.status()).isEqualTo("new");
        assertThat(entry.appKey()).isEqualTo(server.gateway().appKey());
        assertThat(entry.body()).contains("<entryOrderCode>").contains(entry.businessKey().substring(
                entry.businessKey().lastIndexOf(':') + 1));
        assertThat(a.message()).contains("stored as inbox entry " + entry.id());
    }

    @Test
    void aStaleTimestampIsRefusedAsInProduction() {
        QimenAnswer a = server.gateway().call("deliveryorder.create").fixture()
                .timestamp(java.time.Instant.now().minusSeconds(3600)).send();

        assertThat(a.isSuccess()).isFalse();
        assertThat(a.code()).isEqualTo("invalid-timestamp");
    }

    @Test
    void realSecretsNeverTheDemoOnes() {
        assertThat(server.gateway().secret()).isNotEqualTo(ServerConfig.DEMO_SECRET).hasSizeGreaterThanOrEqualTo(32);
        assertThat(server.gateway().appKey()).matches("[1-9][0-9]{7}");
        Gateway demo = new Gateway(server.publicUrl(), "12345678", ServerConfig.DEMO_SECRET);
        assertThat(demo.call("deliveryorder.create").fixture().send().code()).as("the demo app is not served")
                .isEqualTo("sign-check-failure");
        Gateway otherKey = new Gateway(server.publicUrl(), "87654321", server.gateway().secret());
        assertThat(otherKey.call("deliveryorder.create").fixture().send().code()).as("only the generated app key")
                .isEqualTo("sign-check-failure");
    }

    @Test
    void addressesAndMetrics() throws Exception {
        assertThat(server.publicUrl().getPort()).isPositive().isNotEqualTo(8080);
        assertThat(server.publicUrl().getPath()).isEqualTo("/qimen");
        HttpResponse<String> ready = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.adminUrl().resolve("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        server.gateway().call("deliveryorder.create").fixture().send();
        assertThat(server.metrics()).contains("qimen_requests");
        assertThat(server.dataDir()).isDirectory();
        assertThat(URI.create(server.adminUrl().toString()).getHost()).isEqualTo("127.0.0.1");
    }
}
