package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.Samples;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbox as the default behind the server, on its embedded SQLite store, over real sockets. */
class InboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DELIVERY_ORDER = Samples.text("deliveryorder.create.request.xml");

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(c -> c);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private InboxStore store() {
        return server.server().inbox().orElseThrow().store();
    }

    @Test
    void aCallWithoutAHandlerIsStoredWhole() throws Exception {
        GatewayResponse r = server.send(server.call("taobao.qimen.deliveryorder.create").customerId("CUST001")
                .xmlBody(DELIVERY_ORDER));

        assertThat(r.isSuccess()).as(r.text()).isTrue();
        List<InboxEntry> entries = store().list(InboxQuery.all());
        assertThat(entries).hasSize(1);
        InboxEntry e = store().get(entries.get(0).id()).orElseThrow(); // a list leaves bodies out
        assertThat(r.message()).isEqualTo("stored as inbox entry " + e.id());
        assertThat(e.method()).isEqualTo("deliveryorder.create");
        assertThat(e.rawMethod()).isEqualTo("taobao.qimen.deliveryorder.create");
        assertThat(e.appKey()).isEqualTo(TestServer.APP_KEY);
        assertThat(e.customerId()).isEqualTo("CUST001");
        assertThat(e.format()).isEqualTo("xml");
        assertThat(e.params()).containsKeys("method", "app_key", "timestamp", "sign_method", "customerId")
                .doesNotContainKey("sign");
        assertThat(e.body()).isEqualTo(DELIVERY_ORDER.getBytes(StandardCharsets.UTF_8));
        assertThat(e.contentType()).startsWith("text/xml");
        assertThat(e.businessKey()).isEqualTo("DO20240520000123");
        assertThat(e.status()).isEqualTo(InboxStatus.NEW);
        assertThat(e.remote()).isEqualTo("127.0.0.1");
    }

    @Test
    void aRedeliveryGetsTheFirstAnswerAndNoSecondEntry() throws Exception {
        GatewayResponse first = server.send(server.call("deliveryorder.create").xmlBody(DELIVERY_ORDER)
                .timestamp(Instant.now().minusSeconds(30)));
        // the gateway's retry: signed again, with a new timestamp
        GatewayResponse again = server.send(server.call("deliveryorder.create").xmlBody(DELIVERY_ORDER));

        assertThat(first.isSuccess()).isTrue();
        assertThat(again.isSuccess()).isTrue();
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(store().list(InboxQuery.all())).hasSize(1);
        assertThat(server.admin("/metrics").body())
                .contains("qimen_inbox_duplicates_total 1.0")
                .contains("qimen_inbox_appended_total 1.0")
                .contains("qimen_inbox_append_seconds_count 2");
    }

    @Test
    void aDifferentDocumentUnderAStoredCodeKeepsTheFirstAndIsCounted() throws Exception {
        GatewayResponse first = server.send(server.call("deliveryorder.create").xmlBody(DELIVERY_ORDER));
        GatewayResponse other = server.send(server.call("deliveryorder.create")
                .xmlBody(DELIVERY_ORDER.replace("<planQty>2</planQty>", "<planQty>3</planQty>")));

        assertThat(other.message()).isEqualTo(first.message());
        List<InboxEntry> entries = store().list(InboxQuery.all());
        assertThat(entries).hasSize(1);
        assertThat(store().get(entries.get(0).id()).orElseThrow().body())
                .isEqualTo(DELIVERY_ORDER.getBytes(StandardCharsets.UTF_8));
        assertThat(server.admin("/metrics").body()).contains("qimen_inbox_key_conflicts_total 1.0");
    }

    @Test
    void theSameDocumentCodeForAnotherCustomerIsAnotherEntry() throws Exception {
        server.send(server.call("deliveryorder.create").customerId("A").xmlBody(DELIVERY_ORDER));
        server.send(server.call("deliveryorder.create").customerId("B").xmlBody(DELIVERY_ORDER));
        server.send(server.call("entryorder.create").customerId("A")
                .xmlBody("<request><entryOrder><entryOrderCode>DO20240520000123</entryOrderCode></entryOrder></request>"));

        assertThat(store().list(InboxQuery.all())).hasSize(3);
    }

    @Test
    void methodsWithoutAKeyFieldAreKeyedByTheirSignedContent() throws Exception {
        String json = "{\"shop_no\":\"S1\",\"trade_no\":\"T1\"}";
        server.send(server.call("wdt.trade.push").jsonBody(json).timestamp(Instant.now().minusSeconds(60)));
        server.send(server.call("wdt.trade.push").jsonBody(json));
        server.send(server.call("wdt.trade.push").jsonBody("{\"shop_no\":\"S1\",\"trade_no\":\"T2\"}"));
        server.send(server.call("wdt.trade.push").jsonBody(json).param("page_no", "2"));

        List<InboxEntry> entries = store().list(InboxQuery.all());
        assertThat(entries).hasSize(3);
        assertThat(entries).allSatisfy(e -> assertThat(e.businessKey()).startsWith("sha256:"));
    }

    @Test
    void aBodyThatDoesNotParseIsRefusedAndNotStored() throws Exception {
        GatewayResponse r = server.send(server.call("deliveryorder.create").xmlBody("<request><unclosed></request>"));

        assertThat(r.code()).isEqualTo("invalid-body");
        assertThat(store().list(InboxQuery.all())).isEmpty();
    }

    @Test
    void aStoreThatCannotCommitAnswersSystemErrorNeverSuccess() throws Exception {
        String url = "jdbc:sqlite:" + server.server().config().inbox().dataDir().resolve("inbox.db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE qimen_inbox RENAME TO qimen_inbox_away");
            GatewayResponse r = server.send(server.call("deliveryorder.create").xmlBody(DELIVERY_ORDER));
            assertThat(r.code()).isEqualTo("system-error");
            assertThat(r.isSuccess()).isFalse();
            st.execute("ALTER TABLE qimen_inbox_away RENAME TO qimen_inbox");
        }
        GatewayResponse r = server.send(server.call("deliveryorder.create").xmlBody(DELIVERY_ORDER));
        assertThat(r.isSuccess()).as(r.text()).isTrue();
        assertThat(server.admin("/metrics").body()).contains("qimen_inbox_append_failures_total 1.0");
    }

    @Test
    void methodsOutsideTheConfiguredGlobsAreRefused() {
        try (TestServer narrow = TestServer.start(c -> c.inboxMethods(List.of("taobao.qimen.deliveryorder.*")))) {
            assertThat(narrow.send(narrow.call("deliveryorder.create").xmlBody(DELIVERY_ORDER)).isSuccess()).isTrue();
            assertThat(narrow.send(narrow.call("entryorder.create").xmlBody("<request/>")).code())
                    .isEqualTo("invalid-method");
        }
    }

    @Test
    void theAdminApiListsShowsMaskedAcknowledgesAndRetries() throws Exception {
        server.send(server.call("deliveryorder.create").customerId("CUST001").xmlBody(DELIVERY_ORDER));
        long id = store().list(InboxQuery.all()).get(0).id();

        JsonNode list = JSON.readTree(server.admin("/api/inbox?status=new").body());
        assertThat(list.at("/entries/0/id").asLong()).isEqualTo(id);
        assertThat(list.at("/entries/0/businessKey").asText()).isEqualTo("DO20240520000123");
        assertThat(list.at("/counts/new").asLong()).isEqualTo(1);
        assertThat(JSON.readTree(server.admin("/api/inbox?status=done").body()).get("entries")).isEmpty();
        assertThat(server.admin("/api/inbox?status=sideways").statusCode()).isEqualTo(400);

        String masked = server.admin("/api/inbox/" + id).body();
        assertThat(masked).contains("138****0000").doesNotContain("13800000000").contains("\"masked\":true");
        JsonNode revealed = JSON.readTree(server.admin("/api/inbox/" + id + "?reveal=true").body());
        assertThat(revealed.get("body").asText()).isEqualTo(DELIVERY_ORDER);
        assertThat(revealed.at("/params/customerId").asText()).isEqualTo("CUST001");

        assertThat(server.adminPost("/api/inbox/" + id + "/retry", "{}").statusCode()).as("a new entry").isEqualTo(409);
        HttpResponse<String> ack = server.adminPost("/api/inbox/" + id + "/ack", "{}");
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ack.body()).get("status").asText()).isEqualTo("done");
        assertThat(store().get(id).orElseThrow().status()).isEqualTo(InboxStatus.DONE);
        assertThat(server.adminPost("/api/inbox/" + id + "/ack", "{}").statusCode()).isEqualTo(409);
        assertThat(server.adminPost("/api/inbox/99999/ack", "{}").statusCode()).isEqualTo(404);
        assertThat(server.admin("/api/inbox/nope").statusCode()).isEqualTo(404);
    }
}
