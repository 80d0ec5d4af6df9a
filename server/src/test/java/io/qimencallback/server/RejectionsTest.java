package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a call is refused: a defined Qimen answer with HTTP 200, and the server keeps serving. */
class RejectionsTest {
    private static final AtomicInteger handled = new AtomicInteger();
    private static final QimenHandler OK = Handlers.of(Set.of("deliveryorder.create", "custom.json"), r -> {
        handled.incrementAndGet();
        return QimenResponse.success().with("params", String.join(",", new java.util.TreeSet<>(r.params().keySet())));
    });
    private static final QimenHandler THROWS = Handlers.of("boom.runtime", r -> {
        throw new IllegalStateException("receiver 张三 13800000000 exploded");
    });
    private static final QimenHandler REFUSES = Handlers.of("boom.refuse", r -> {
        throw new QimenException(ErrorCode.INVALID_BODY, "orderLines must not be empty");
    });

    private static TestServer server;

    @BeforeAll
    static void start() {
        // the inbox takes wdt.* only: other methods without a handler are refused
        server = TestServer.start(c -> c.inboxMethods(List.of("wdt.*")), OK, THROWS, REFUSES);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void wrongSignAnswersTheDocumentedXml() {
        int before = handled.get();
        GatewayResponse r = server.send(server.call("deliveryorder.create").signOverride("0123456789ABCDEF0123456789ABCDEF"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo(Samples.text("response.sign-check-failure.xml").replaceAll(">\\s+<", "><"));
        assertThat(handled.get()).isEqualTo(before);
    }

    @Test
    void wrongSignInJsonCarriesSubCode() {
        GatewayResponse r = server.send(server.call("custom.json").jsonBody("{}").signOverride("BAD"));

        assertThat(r.contentType()).isEqualTo("application/json;charset=utf-8");
        assertThat(r.text()).isEqualTo(Samples.text("response.sign-check-failure.json"));
    }

    @Test
    void signOverAnotherBody() {
        GatewayResponse r = server.send(server.call("deliveryorder.create").xmlBody("<request><a>1</a></request>")
                .bodyAfterSigning("<request><a>2</a></request>"));

        assertThat(r.code()).isEqualTo("sign-check-failure");
    }

    @Test
    void unknownAppKeyIsASignFailure() {
        assertThat(server.send(server.call("deliveryorder.create").appKey("not-configured")).code())
                .isEqualTo("sign-check-failure");
    }

    @Test
    void expiredAndFutureTimestamps() {
        GatewayResponse old = server.send(server.call("deliveryorder.create").timestamp(Instant.now().minusSeconds(11 * 60)));
        GatewayResponse future = server.send(server.call("deliveryorder.create").timestamp(Instant.now().plusSeconds(11 * 60)));
        GatewayResponse garbage = server.send(server.call("deliveryorder.create").timestampText("yesterday"));
        GatewayResponse inside = server.send(server.call("deliveryorder.create").timestamp(Instant.now().minusSeconds(9 * 60)));

        assertThat(old.code()).isEqualTo("invalid-timestamp");
        assertThat(old.message()).contains("behind the server clock");
        assertThat(future.code()).isEqualTo("invalid-timestamp");
        assertThat(future.message()).contains("ahead of the server clock");
        assertThat(garbage.code()).isEqualTo("invalid-timestamp");
        assertThat(inside.isSuccess()).isTrue();
    }

    @Test
    void missingParametersAreNamed() {
        HttpResponse<String> r = server.raw("POST", "/qimen?method=deliveryorder.create&app_key=12345678",
                Map.of("Content-Type", "text/xml"), "<request/>".getBytes());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<code>missing-parameter</code>", "missing required parameter: timestamp, sign");
    }

    @Test
    void unknownMethodAfterAValidSignature() {
        GatewayResponse r = server.send(server.call("taobao.qimen.itemlack.report"));

        assertThat(r.code()).isEqualTo("invalid-method");
        assertThat(r.message()).startsWith("no handler answers method itemlack.report");
    }

    @Test
    void hostileXmlIsRefusedWithoutReadingTheFile(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("passwd"), "root:x:0:0:SECRET-LINE");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><request><a>&x;</a></request>";
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><request>&b;</request>";

        for (String xml : List.of(xxe, bomb)) {
            GatewayResponse r = server.send(server.call("deliveryorder.create").xmlBody(xml));
            assertThat(r.code()).isEqualTo("invalid-body");
            assertThat(r.text()).doesNotContain("SECRET-LINE");
        }
    }

    @Test
    void malformedBodies() {
        assertThat(server.send(server.call("deliveryorder.create").xmlBody("<request><a></request>")).code())
                .isEqualTo("invalid-body");
        GatewayResponse json = server.send(server.call("custom.json").jsonBody("{\"a\":"));
        assertThat(json.code()).isEqualTo("invalid-body");
        assertThat(json.contentType()).startsWith("application/json");
    }

    @Test
    void oversizedBodyIs413AndTheServerGoesOn() {
        try (TestServer small = TestServer.start(c -> c.maxBodyBytes(1024), OK)) {
            HttpResponse<String> r = small.raw("POST", "/qimen?method=x", Map.of("Content-Type", "text/xml"),
                    ("<request>" + "x".repeat(4096) + "</request>").getBytes());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(small.send(small.call("deliveryorder.create")).isSuccess()).isTrue();
            assertThat(small.admin("/metrics").body()).contains("qimen_http_rejections_total{status=\"413\"} 1.0");
        }
    }

    @Test
    void otherPathsAndMethodsAreHttpErrors() {
        assertThat(server.raw("POST", "/router/qmtest", Map.of(), new byte[0]).statusCode()).isEqualTo(404);
        HttpResponse<String> put = server.raw("PUT", "/qimen", Map.of(), new byte[0]);
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("POST, GET");
    }

    @Test
    void failingHandlerGetsAnErrorIdNeverItsException() {
        GatewayResponse r = server.send(server.call("boom.runtime"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.code()).isEqualTo("system-error");
        assertThat(r.message()).matches("internal error, id [0-9a-f]{12}");
        assertThat(r.text()).doesNotContain("exploded", "IllegalStateException", "at io.");
        assertThat(server.send(server.call("deliveryorder.create")).isSuccess()).isTrue();
    }

    @Test
    void handlerMayRefuseWithItsOwnMessage() {
        GatewayResponse r = server.send(server.call("boom.refuse"));

        assertThat(r.code()).isEqualTo("invalid-body");
        assertThat(r.message()).isEqualTo("orderLines must not be empty");
    }

    @Test
    void sourceAllowListAndTrustedProxies() {
        try (TestServer listed = TestServer.start(c -> c.allowedSources(List.of("10.0.0.0/8")), OK);
             TestServer proxied = TestServer.start(c -> c.allowedSources(List.of("10.0.0.0/8"))
                     .trustedProxies(List.of("127.0.0.1")), OK)) {
            GatewayResponse direct = listed.send(listed.call("deliveryorder.create").header("X-Forwarded-For", "10.1.2.3"));
            assertThat(direct.code()).isEqualTo("ip-not-allowed");
            assertThat(direct.message()).contains("127.0.0.1");

            assertThat(proxied.send(proxied.call("deliveryorder.create").header("X-Forwarded-For", "10.1.2.3")).isSuccess())
                    .isTrue();
            // a client cannot smuggle an allowed address in front of its own through a trusted proxy
            assertThat(proxied.send(proxied.call("deliveryorder.create").header("X-Forwarded-For", "10.1.2.3, 203.0.113.9"))
                    .code()).isEqualTo("ip-not-allowed");
        }
    }

    @Test
    void ipCheckComesAfterTheSignature() {
        try (TestServer listed = TestServer.start(c -> c.allowedSources(List.of("10.0.0.0/8")), OK)) {
            assertThat(listed.send(listed.call("deliveryorder.create").signOverride("BAD")).code())
                    .isEqualTo("sign-check-failure");
        }
    }

    @Test
    void pairsTheSignatureDidNotCoverNeverReachTheHandler() {
        // signed as TOP senders sign (blank pairs dropped), sent with a blank pair added: accepted, pair withheld
        var signed = server.call("deliveryorder.create").build();
        HttpResponse<String> r = server.raw("POST", "/qimen?" + signed.query() + "&smuggled=%20", Map.of(), new byte[0]);

        assertThat(r.body()).contains("<flag>success</flag>").doesNotContain("smuggled");
    }

    @Test
    void formFieldsThatDisagreeWithTheQueryAreRefused() {
        var signed = server.call("deliveryorder.create").formField("pageNo", "1").build();
        HttpResponse<String> r = server.raw("POST", "/qimen?" + signed.query(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), "pageNo=1&method=boom.runtime".getBytes());

        assertThat(r.body()).contains("<code>invalid-body</code>", "differs from the query parameter");
    }

    @Test
    void timestampCheckCanBeTurnedOff() {
        try (TestServer lenient = TestServer.start(c -> c.timestampTolerance(Duration.ZERO), OK)) {
            assertThat(lenient.send(lenient.call("deliveryorder.create").timestamp(Instant.parse("2015-04-26T00:00:07Z")))
                    .isSuccess()).isTrue();
        }
    }
}
