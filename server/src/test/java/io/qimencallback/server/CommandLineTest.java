package io.qimencallback.server;

import static io.qimencallback.server.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.Samples;
import io.qimencallback.server.testing.Cli.Run;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sign} and {@code send} verbs, as a user runs them. */
class CommandLineTest {

    @Test
    void signReproducesTheSampleVectorAndExplains(@TempDir Path dir) throws Exception {
        Path body = Files.write(dir.resolve("body.xml"), Samples.bytes("deliveryorder.create.request.xml"));
        Run r = run("sign", "--secret", Samples.SECRET, "--query", Samples.text("deliveryorder.create.query.txt"),
                "--body", body.toString(), "--explain");

        assertThat(r.exit()).isZero();
        String[] lines = r.out().split("\n", 2);
        assertThat(lines[0]).isEqualTo("46379706CBFD137F602DFBFB4D93A820");
        assertThat(lines[1]).startsWith("<secret>app_key12345678customerIdCUST001formatxml").doesNotContain(Samples.SECRET);
    }

    @Test
    void signFormAndHmac(@TempDir Path dir) throws Exception {
        Path form = Files.write(dir.resolve("form.txt"), Samples.bytes("crm.order.detail.get.form.txt"));
        assertThat(run("sign", "--secret", Samples.SECRET, "--query", Samples.text("crm.order.detail.get.query.txt"),
                "--body", form.toString(), "--form").out().strip()).isEqualTo("7F03D7CC7C5C26449B035E998552C469");

        Path body = Files.write(dir.resolve("body.xml"), Samples.bytes("deliveryorder.create.request.xml"));
        assertThat(run("sign", "--secret", Samples.SECRET, "--sign-method", "hmac-sha256", "--query",
                Samples.text("deliveryorder.create.query.txt"), "--param", "sign_method=hmac-sha256",
                "--body", body.toString()).out().strip())
                .isEqualTo("94CAC482F1A3302614D16E2E9C6E367584ADB6D1801E9BB202D4B14446397E7A");
    }

    @Test
    void sendActsAsTheGateway(@TempDir Path dir) throws Exception {
        Path body = Files.write(dir.resolve("body.xml"), Samples.bytes("deliveryorder.create.request.xml"));
        try (TestServer s = TestServer.start(Handlers.of("deliveryorder.create", req -> QimenResponse.success()
                .with("deliveryOrderId", "WMS-" + req.bodyTree().at("/deliveryOrder/deliveryOrderCode").asText())))) {
            String url = s.serviceUrl().toString();
            Run ok = run("send", url, "--method", "taobao.qimen.deliveryorder.create", "--app-key", TestServer.APP_KEY,
                    "--secret", TestServer.SECRET, "--customer-id", "CUST001", "--body", body.toString(),
                    "--sign-method", "hmac");
            assertThat(ok.exit()).as(ok.out()).isZero();
            assertThat(ok.out()).startsWith("HTTP 200 text/xml;charset=utf-8")
                    .contains("<deliveryOrderId>WMS-DO20240520000123</deliveryOrderId>");

            Run json = run("send", url, "--method", "deliveryorder.create", "--app-key", TestServer.APP_KEY,
                    "--secret", TestServer.SECRET, "--format", "json");
            assertThat(json.out()).contains("{\"response\":{\"flag\":\"success\"");

            Run refused = run("send", url, "--method", "deliveryorder.create", "--app-key", TestServer.APP_KEY,
                    "--secret", "wrong");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.out()).contains("sign-check-failure");
        }
    }

    @Test
    void sendWithNobodyListeningExits3() {
        assertThat(run("send", "http://127.0.0.1:1/qimen", "--method", "m", "--app-key", "k", "--secret", "s").exit())
                .isEqualTo(3);
    }
}
