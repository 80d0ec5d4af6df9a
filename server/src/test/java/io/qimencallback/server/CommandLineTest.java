package io.qimencallback.server;

import static io.qimencallback.server.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.Samples;
import io.qimencallback.server.testing.Cli.Run;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private static final Path CAPTURES = Path.of("../examples/captures");
    private static final String CANONICAL_START = "«secret»app_key12345678customerIdCUST001formatxmlmethoddeliveryorder.create";

    @Test
    void verifyTheExampleCaptures() {
        Run ok = run("verify", CAPTURES.resolve("deliveryorder.create.http").toString(), "--secret", Samples.SECRET);
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).startsWith("Signature: VERIFIED").contains(CANONICAL_START, "MATCH")
                .doesNotContain(Samples.SECRET);

        Run tampered = run("verify", CAPTURES.resolve("deliveryorder.create.tampered.http").toString(),
                "--secret", Samples.SECRET);
        assertThat(tampered.exit()).as(tampered.out()).isEqualTo(1);
        assertThat(tampered.out()).contains("does NOT verify", CANONICAL_START, "<planQty>20</planQty>", "No variant matches")
                .doesNotContain(Samples.SECRET);

        assertThat(run("verify", CAPTURES.resolve("deliveryorder.create.http").toString(), "--secret", "wrong").exit())
                .isEqualTo(1);
    }

    @Test
    void verifyShowsWhereTheSendersStringDiffers(@TempDir Path dir) throws Exception {
        // what the sender digested: the original body, with its secret written out (and a final line end)
        String sender = Samples.SECRET + "app_key12345678customerIdCUST001formatxmlmethoddeliveryorder.create"
                + "sign_methodmd5timestamp2024-05-20 10:30:00v2.0"
                + new String(Samples.bytes("deliveryorder.create.request.xml"), StandardCharsets.UTF_8) + Samples.SECRET + "\n";
        Path canonical = Files.writeString(dir.resolve("sender.txt"), sender);
        Run r = run("verify", CAPTURES.resolve("deliveryorder.create.tampered.http").toString(), "--secret", Samples.SECRET,
                "--canonical", canonical.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Your string first differs at index", "<planQty>20</planQty>",
                "<planQty>2</planQty>", "hint: the difference is inside the body").doesNotContain(Samples.SECRET);
    }

    @Test
    void verifyReadsLfCrlfChunkedAndLengthlessCaptures(@TempDir Path dir) throws Exception {
        byte[] crlf = Files.readAllBytes(CAPTURES.resolve("deliveryorder.create.http"));
        String text = new String(crlf, StandardCharsets.UTF_8);
        assertThat(text).contains("HTTP/1.1\r\n");
        int split = text.indexOf("\r\n\r\n");
        String head = text.substring(0, split);
        byte[] body = Samples.bytes("deliveryorder.create.request.xml");

        Path lf = Files.writeString(dir.resolve("lf.http"), text.replace("\r\n", "\n"));
        StringBuilder chunked = new StringBuilder(head.replaceAll("\r\nContent-Length: \\d+", "")
                + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        String bodyText = new String(body, StandardCharsets.UTF_8);
        for (int i = 0; i < bodyText.length(); i += 700) {
            String piece = bodyText.substring(i, Math.min(bodyText.length(), i + 700));
            chunked.append(Integer.toHexString(piece.getBytes(StandardCharsets.UTF_8).length)).append(";x=y\r\n")
                    .append(piece).append("\r\n");
        }
        chunked.append("0\r\nX-Trailer: t\r\n\r\n");
        Path chunkedFile = Files.writeString(dir.resolve("chunked.http"), chunked);
        Path lengthless = Files.writeString(dir.resolve("lengthless.http"),
                head.replaceAll("\r\nContent-Length: \\d+", "").replace("\r\n", "\n") + "\n\n" + bodyText);

        for (Path p : List.of(lf, chunkedFile, lengthless)) {
            Run r = run("verify", p.toString(), "--secret", Samples.SECRET);
            assertThat(r.exit()).as(p + "\n" + r.out()).isZero();
            assertThat(r.out()).contains("Body: " + body.length + " bytes");
        }
    }

    @Test
    void verifyOfUnreadableInputExits2(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.http"), "this is not a request\n");
        Path truncated = Files.writeString(dir.resolve("short.http"),
                "POST /qimen?method=m HTTP/1.1\nContent-Length: 100\n\n<a/>");
        Path badChunk = Files.writeString(dir.resolve("chunk.http"),
                "POST /qimen?method=m HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\n");
        for (Path p : List.of(garbage, truncated, badChunk, dir.resolve("missing.http"))) {
            assertThat(run("verify", p.toString(), "--secret", Samples.SECRET).exit()).as(p.toString()).isEqualTo(2);
        }
        assertThat(run("verify", CAPTURES.resolve("deliveryorder.create.http").toString()).exit())
                .as("no secret").isEqualTo(2);
    }
}
