package io.qimencallback.server;

import static io.qimencallback.server.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.server.client.Fixture;
import io.qimencallback.server.client.Fixtures;
import io.qimencallback.server.testing.CannedService;
import io.qimencallback.server.testing.Cli.Run;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code send --api}, bursts and {@code selftest}, as a user runs them against good, broken and absent services. */
class JointDebuggingTest {
    private static final Set<String> ALL_APIS = Fixtures.all().stream().map(Fixture::api).collect(Collectors.toSet());

    private static Run selftest(String url, String... more) {
        String[] args = new String[5 + more.length];
        System.arraycopy(new String[] {"selftest", url, "--app-key", TestServer.APP_KEY, "--secret=" + TestServer.SECRET},
                0, args, 0, 5);
        System.arraycopy(more, 0, args, 5, more.length);
        return run(args);
    }

    private static TestServer answeringSuccessToEveryFixture() {
        return TestServer.start(Handlers.of(ALL_APIS, req -> QimenResponse.success()));
    }

    @Test
    void sendApiSendsTheFixtureAndListApisListsThem() {
        Run list = run("send", "--list-apis");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).hasSize(Fixtures.all().size())
                .anySatisfy(l -> assertThat(l).startsWith("deliveryorder.create").contains("taobao.qimen.deliveryorder.create"));

        try (TestServer s = answeringSuccessToEveryFixture()) {
            Run ok = run("send", s.serviceUrl().toString(), "--api", "qimen.taobao.crm.order.detail.get",
                    "--app-key", TestServer.APP_KEY, "--secret", TestServer.SECRET, "--sign-method", "hmac", "--format", "xml");
            assertThat(ok.exit()).as(ok.out()).isZero();
            assertThat(ok.out()).startsWith("HTTP 200 text/xml").contains("<flag>success</flag>");

            Run asForm = run("send", s.serviceUrl().toString(), "--api", "wdt.wms.stockout.sales.querywithdetail",
                    "--as", "form", "--app-key", TestServer.APP_KEY, "--secret", TestServer.SECRET);
            assertThat(asForm.exit()).as(asForm.out()).isZero();

            Run nested = run("send", s.serviceUrl().toString(), "--api", "deliveryorder.create", "--as", "form",
                    "--app-key", TestServer.APP_KEY, "--secret", TestServer.SECRET);
            assertThat(nested.exit()).isEqualTo(2);
            assertThat(run("send", s.serviceUrl().toString(), "--api", "nosuch.api", "--app-key", "k", "--secret", "s")
                    .exit()).isEqualTo(2);
            assertThat(run("send", s.serviceUrl().toString(), "--api", "order.cancel", "--method", "order.cancel",
                    "--app-key", "k", "--secret", "s").exit()).isEqualTo(2);
        }
    }

    @Test
    void burstSummaryCountsEveryOutcome() {
        AtomicInteger calls = new AtomicInteger();
        Set<String> orderCodes = ConcurrentHashMap.newKeySet();
        // every fourth call fails, whichever thread sends it: 5 of 20
        try (TestServer s = TestServer.start(Handlers.of("order.cancel", req -> {
            orderCodes.add(req.bodyTree().path("orderCode").asText());
            return calls.incrementAndGet() % 4 == 0
                    ? QimenResponse.failure("order-shipped", "already shipped")
                    : QimenResponse.success();
        }))) {
            Run burst = run("send", s.serviceUrl().toString(), "--api", "order.cancel", "--app-key", TestServer.APP_KEY,
                    "--secret", TestServer.SECRET, "--repeat", "20", "--concurrency", "4");

            assertThat(burst.exit()).as(burst.out()).isEqualTo(1);
            assertThat(burst.out()).startsWith("sent 20 calls, concurrency 4, in ")
                    .containsPattern("(?m)^  failure order-shipped +5$")
                    .containsPattern("(?m)^  success +15$")
                    .contains("errors (no answer): 0")
                    .containsPattern("latency: p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms")
                    .containsPattern("[0-9.]+ calls/s");
            assertThat(orderCodes).as("each call is a new document").hasSize(20);

            Run allGood = run("send", s.serviceUrl().toString(), "--method", "order.cancel", "--app-key",
                    TestServer.APP_KEY, "--secret", TestServer.SECRET, "--repeat", "3");
            // calls 21 to 23: none is a fourth
            assertThat(allGood.exit()).as(allGood.out()).isZero();
            assertThat(allGood.out()).startsWith("sent 3 calls, concurrency 1");
        }
        Run nobody = run("send", "http://127.0.0.1:1/qimen", "--api", "order.cancel", "--app-key", "k", "--secret", "s",
                "--repeat", "5", "--concurrency", "2");
        assertThat(nobody.exit()).isEqualTo(3);
        assertThat(nobody.out()).contains("errors (no answer): 5");
    }

    @Test
    void selftestPassesAgainstOurServer() {
        try (TestServer s = answeringSuccessToEveryFixture()) {
            Run r = selftest(s.serviceUrl().toString());
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("PASSED: 45 checks, 0 failed, 0 warnings").doesNotContain("FAIL ").doesNotContain("!!!");
            for (String api : ALL_APIS) {
                assertThat(r.out()).containsPattern("(?m)^" + api.replace(".", "\\.") + " +wrong sign +PASS +refused: failure sign-check-failure");
            }

            Run json = selftest(s.serviceUrl().toString(), "--format", "json", "--sign-method", "hmac-sha256",
                    "--customer-id", "CUST001", "--api", "deliveryorder.create", "--api", "wdt.wms.stockout.sales.querywithdetail");
            assertThat(json.exit()).as(json.out()).isZero();
            assertThat(json.out()).contains("PASSED: 10 checks").contains("success, json");
        }
    }

    @Test
    void selftestPassesWithANoteWhenTheServiceHasNoHandler() {
        try (TestServer s = TestServer.start(c -> c.inboxEnabled(false))) {
            Run r = selftest(s.serviceUrl().toString(), "--api", "inventory.query");
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).containsPattern("inventory\\.query +signed call +PASS +refused: invalid-method \\(no route\\):"
                    + " signature accepted").contains("note: signatures checked fine, but 1 API(s)");
        }
    }

    @Test
    void selftestFailsLoudlyAgainstAServiceThatChecksNoSignature() {
        try (CannedService broken = CannedService.answering(CannedService.XML_SUCCESS, "text/xml;charset=utf-8")) {
            Run r = selftest(broken.url().toString(), "--api", "deliveryorder.create");
            assertThat(r.exit()).as(r.out()).isEqualTo(1);
            assertThat(r.out())
                    .containsPattern("deliveryorder\\.create +signed call +PASS +success, xml")
                    .contains("!!! ACCEPTED A FORGED CALL (wrong sign): anyone can push orders to this address")
                    .contains("!!! ACCEPTED A STALE CALL (timestamp 2 hours old)")
                    .contains("!!! ACCEPTED A TAMPERED CALL (body changed after signing)")
                    .contains("!!! ACCEPTED AN UNSIGNED CALL (no sign)")
                    .contains("FAILED: 5 checks, 4 failed");
            assertThat(broken.requests()).isEqualTo(5);
        }
    }

    @Test
    void selftestFailsWhenTheServiceComputesSignaturesDifferently() {
        try (TestServer s = answeringSuccessToEveryFixture()) {
            Run r = run("selftest", s.serviceUrl().toString(), "--app-key", TestServer.APP_KEY, "--secret", "not-the-secret",
                    "--api", "entryorder.create");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).containsPattern("entryorder\\.create +signed call +FAIL +a correctly signed call was"
                    + " refused as sign-check-failure: the service computes signatures differently")
                    .doesNotContain("not-the-secret");
        }
    }

    @Test
    void selftestChecksThatAnswersFollowTheFormatParameter() {
        String xmlRefusal = "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><flag>failure</flag>"
                + "<code>sign-check-failure</code><message>Illegal request</message></response>";
        try (CannedService xmlOnly = CannedService.answering(xmlRefusal, "text/xml")) {
            Run r = selftest(xmlOnly.url().toString(), "--api", "order.cancel", "--format", "json");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).containsPattern("order\\.cancel +wrong sign +FAIL +refused, but: answered xml to format=json");
        }
    }

    @Test
    void selftestWarnsWhenASignatureFailureHasAnotherCode() {
        String json = "{\"response\":{\"flag\":\"failure\",\"code\":\"bad-request\",\"message\":\"no\"}}";
        try (CannedService picky = CannedService.answering(json, "application/json")) {
            Run r = selftest(picky.url().toString(), "--api", "wdt.wms.stockout.sales.querywithdetail");
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out())
                    .containsPattern("signed call +PASS +note: answered failure bad-request \\(no\\)")
                    .containsPattern("wrong sign +WARN +refused as failure bad-request \\(no\\); Qimen's code for this is sign-check-failure")
                    .containsPattern("stale timestamp \\(2 h\\) +PASS")
                    .contains("PASSED: 5 checks, 0 failed, 2 warnings");
        }
    }

    @Test
    void selftestOfAnAddressNobodyListensOnExits3() {
        assertThat(selftest("http://127.0.0.1:1/qimen").exit()).isEqualTo(3);
    }
}
