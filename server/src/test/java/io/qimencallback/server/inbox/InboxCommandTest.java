package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.testing.FileTarget;
import io.qimencallback.server.testing.Cli;
import io.qimencallback.server.testing.Cli.Run;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inbox list|show|ack|retry|replay|export} read the server's own configuration, beside the running server. */
class InboxCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theVerbsReadTheSameInboxAsTheRunningServer() throws Exception {
        Path data = dir.resolve("data");
        Path config = Files.writeString(dir.resolve("qimen.yml"), "data_dir: " + data + "\n");
        String order = Samples.text("deliveryorder.create.request.xml");
        try (TestServer s = TestServer.start(c -> c.dataDir(data))) {
            s.send(s.call("deliveryorder.create").customerId("CUST001").xmlBody(order));
            s.send(s.call("wdt.trade.push").jsonBody("{\"trade_no\":\"T1\",\"receiver_mobile\":\"13711112222\"}"));
            long first = s.server().inbox().orElseThrow().store().list(InboxQuery.all()).get(1).id();

            Run list = Cli.run("inbox", "--config", config.toString(), "list");
            assertThat(list.exit()).as(list.out()).isZero();
            assertThat(list.out()).contains("deliveryorder.create", "DO20240520000123", "wdt.trade.push", "2 new");

            Run show = Cli.run("inbox", "--config", config.toString(), "show", Long.toString(first));
            assertThat(show.exit()).isZero();
            assertThat(show.out()).contains("138****0000").doesNotContain("13800000000");
            Run reveal = Cli.run("inbox", "--config", config.toString(), "show", Long.toString(first), "--reveal");
            assertThat(JSON.readTree(reveal.out()).get("body").asText()).isEqualTo(order);

            Run export = Cli.run("inbox", "--config", config.toString(), "export");
            String[] lines = export.out().strip().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(export.out()).contains("137****2222").doesNotContain("13711112222");
            Run full = Cli.run("inbox", "--config", config.toString(), "export", "--reveal", "--method", "deliveryorder.create");
            JsonNode only = JSON.readTree(full.out().strip());
            assertThat(only.get("id").asLong()).isEqualTo(first);
            assertThat(Base64.getDecoder().decode(only.get("bodyBase64").asText())).isEqualTo(Samples.bytes("deliveryorder.create.request.xml"));

            assertThat(Cli.run("inbox", "--config", config.toString(), "retry", Long.toString(first)).exit())
                    .as("a new entry is not retried").isEqualTo(1);
            Run ack = Cli.run("inbox", "--config", config.toString(), "ack", Long.toString(first));
            assertThat(ack.exit()).isZero();
            assertThat(ack.out()).contains("entry " + first + " is done");
            assertThat(s.server().inbox().orElseThrow().store().get(first).orElseThrow().status()).isEqualTo(InboxStatus.DONE);
            assertThat(Cli.run("inbox", "--config", config.toString(), "list", "--status", "done").out())
                    .contains("DO20240520000123").doesNotContain("wdt.trade.push  ");
            assertThat(Cli.run("inbox", "--config", config.toString(), "show", "424242").exit()).isEqualTo(1);
        }
    }

    @Test
    void retryDeadRequeuesADeadLetteredBatchInOneStep() throws Exception {
        Path data = dir.resolve("data");
        Path config = Files.writeString(dir.resolve("qimen.yml"), "data_dir: " + data + "\n");
        // t1 refuses for good (a batch dead-lettered), t2 takes everything
        try (TestServer s = TestServer.start(c -> c.dataDir(data).inboxMaxAttempts(1).inboxRetryDelay(Duration.ofHours(1))
                        .target("t1", Map.of("type", "test-file", "file", dir.resolve("t1.log").toString(),
                                "fail_first", "always"))
                        .target("t2", Map.of("type", "test-file", "file", dir.resolve("t2.log").toString()))
                        .route("deliveryorder.create", "inbox t1").route("entryorder.create", "inbox t2"),
                HandlerRegistry.builder().build(), List.of(), List.of(FileTarget.TYPE))) {
            InboxStore store = s.server().inbox().orElseThrow().store();
            for (int i = 0; i < 3; i++) {
                s.send(s.call("deliveryorder.create").customerId("C1").xmlBody("<request><deliveryOrder>"
                        + "<deliveryOrderCode>DO-" + i + "</deliveryOrderCode></deliveryOrder></request>"));
            }
            s.send(s.call("entryorder.create").customerId("C1").xmlBody("<request><entryOrder><entryOrderCode>EO-1"
                    + "</entryOrderCode></entryOrder></request>"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.counts().get(InboxStatus.DEAD) < 3 || store.counts().get(InboxStatus.DONE) < 1) {
                assertThat(System.nanoTime()).as("%s", store.counts()).isLessThan(deadline);
                Thread.sleep(20);
            }
            // where the delivered one went, in the table
            Run list = Cli.run("inbox", "--config", config.toString(), "list");
            assertThat(list.out()).contains("DELIVERED TO", "file t2.log");

            Run usage = Cli.run("inbox", "--config", config.toString(), "retry");
            assertThat(usage.exit()).as(usage.err()).isEqualTo(2);
            assertThat(usage.err()).contains("--dead");
            assertThat(Cli.run("inbox", "--config", config.toString(), "retry", "1", "--dead").exit()).isEqualTo(2);
            assertThat(Cli.run("inbox", "--config", config.toString(), "retry", "1", "--for", "target:t1").exit())
                    .isEqualTo(2);

            Run other = Cli.run("inbox", "--config", config.toString(), "retry", "--dead", "--for", "target:t2");
            assertThat(other.exit()).as(other.err()).isZero();
            assertThat(other.out()).contains("0 dead entries for target:t2");
            // stop delivering first, so that the retried entries stay as the command left them
            s.server().inbox().orElseThrow().close();
            Run batch = Cli.run("inbox", "--config", config.toString(), "retry", "--dead", "--for", "target:t1");
            assertThat(batch.exit()).as(batch.err()).isZero();
            assertThat(batch.out()).contains("3 dead entries for target:t1 due for delivery again");
        }
        try (InboxStore store = InboxStore.open(io.qimencallback.server.config.ServerConfig.builder().dataDir(data)
                .build().inbox())) {
            assertThat(store.list(new InboxQuery(InboxStatus.NEW, null, "target:t1", null, 0, 10)))
                    .hasSize(3).allSatisfy(e -> assertThat(e.attempts()).isZero());
            assertThat(store.counts().get(InboxStatus.DEAD)).isZero();
        }
    }

    @Test
    void noInboxWhereTheConfigurationSaysIsAnErrorNotANewInbox() throws Exception {
        Path config = Files.writeString(dir.resolve("qimen.yml"), "data_dir: " + dir.resolve("elsewhere") + "\n");
        Run r = Cli.run("inbox", "--config", config.toString(), "list");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(dir.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void anUnreachableInboxExitsThree() throws Exception {
        Path config = Files.writeString(dir.resolve("qimen.yml"),
                "inbox_url: jdbc:postgresql://127.0.0.1:1/none?user=x&password=secret-pw\n");
        Run r = Cli.run("inbox", "--config", config.toString(), "list");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).doesNotContain("secret-pw");
    }

    @Test
    void listColumnsFitTheDataAndJsonIsOneDocument() throws Exception {
        Path data = dir.resolve("data");
        Path config = Files.writeString(dir.resolve("qimen.yml"), "data_dir: " + data + "\n");
        try (TestServer s = TestServer.start(c -> c.dataDir(data))) {
            s.send(s.call("wdt.trade.push").customerId("A-VERY-LONG-CUSTOMER-ID-0001")
                    .jsonBody("{\"shop_no\":\"S1\"}"));
            s.send(s.call("deliveryorder.create").customerId("C1").xmlBody(Samples.text("deliveryorder.create.request.xml")));

            Run list = Cli.run("inbox", "--config", config.toString(), "list");
            assertThat(list.exit()).as(list.err()).isZero();
            List<String> lines = list.out().lines().toList();
            String header = lines.get(0);
            assertThat(header).startsWith("ID  ");
            for (String column : List.of("METHOD", "CUSTOMER", "BUSINESS KEY", "FOR", "STATUS", "TRY")) {
                int at = header.indexOf(column);
                for (String row : lines.subList(1, 3)) {
                    assertThat(row.charAt(at - 1)).as("%s in\n%s", column, list.out()).isEqualTo(' ');
                    assertThat(row.charAt(at - 2)).as("%s in\n%s", column, list.out()).isEqualTo(' ');
                    assertThat(row.charAt(at)).as("%s in\n%s", column, list.out()).isNotEqualTo(' ');
                }
            }
            assertThat(lines.get(1).substring(header.indexOf("STATUS"))).startsWith("new");

            Run json = Cli.run("inbox", "--config", config.toString(), "list", "--json", "--status", "NEW");
            assertThat(json.out().strip()).doesNotContain("\n");
            JsonNode doc = JSON.readTree(json.out());
            assertThat(doc.get("entries")).hasSize(2);
            assertThat(doc.at("/entries/0/method").asText()).isEqualTo("deliveryorder.create");
            assertThat(doc.at("/entries/1/customerId").asText()).isEqualTo("A-VERY-LONG-CUSTOMER-ID-0001");
            assertThat(doc.at("/counts/new").asLong()).isEqualTo(2);
            assertThat(doc.get("store").asText()).isNotEmpty();
            // the same shape as the admin API's list
            JsonNode api = JSON.readTree(s.admin("/api/inbox?status=new").body());
            assertThat(doc.get("entries")).isEqualTo(api.get("entries"));

            long id = doc.at("/entries/0/id").asLong();
            Run show = Cli.run("inbox", "--config", config.toString(), "show", Long.toString(id), "--json");
            assertThat(show.out().strip()).doesNotContain("\n");
            JsonNode entry = JSON.readTree(show.out());
            assertThat(entry.get("id").asLong()).isEqualTo(id);
            assertThat(entry.get("masked").asBoolean()).isTrue();
            assertThat(entry.get("body").asText()).contains("138****0000");
        }
    }
}
