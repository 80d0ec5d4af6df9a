package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.inbox.InboxQuery;
import io.qimencallback.server.inbox.InboxStatus;
import io.qimencallback.server.inbox.InboxStore;
import io.qimencallback.server.testing.Chromium;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The debug console in a real headless Chromium, driven over the DevTools protocol: the page loads under its strict
 * Content-Security-Policy, lists a call just sent, shows its detail masked, and makes no failed request and no
 * console error. Leaves a screenshot in {@code target/console.png}.
 */
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** While no inbox is installed, the page's probe of it answers 404: expected, and the only 404 allowed. */
    private static final String INBOX_PROBE = "/api/inbox?limit=1";

    private static Path chromium() {
        Optional<Path> exe = Chromium.find();
        if (exe.isEmpty()) {
            String message = "no Chromium found (set QIMEN_CHROMIUM, or install the Debian package chromium):"
                    + " the browser test of the debug console did not run";
            if (System.getenv("QIMEN_REQUIRE_BROWSER") != null) {
                Assertions.fail(message + ", and QIMEN_REQUIRE_BROWSER is set");
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        return exe.get();
    }

    @Test
    void consoleListsACallAndShowsItMasked() throws Exception {
        Path exe = chromium();
        // no inbox: the page must do without one
        try (TestServer s = TestServer.start(c -> c.inboxEnabled(false),
                Handlers.of("deliveryorder.create", r -> QimenResponse.success()))) {
            s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST001").xmlBody(ConsoleApiTest.ORDER));
            s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST001").signOverride("0BAD"));
            s.send(s.call("taobao.qimen.stockout.confirm").customerId("CUST002").format("json").jsonBody("{\"a\":1}"));

            try (Chromium browser = Chromium.launch(exe)) {
                Chromium.Page page = browser.newPage();
                page.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 860,
                        "deviceScaleFactor", 1, "mobile", false));
                page.navigate("http://127.0.0.1:" + s.server().adminPort() + "/");
                page.await("the page to load its data", "document.body && document.body.dataset.loaded === 'true'", WAIT);

                page.await("the order in the list", "[...document.querySelectorAll('#calls-body tr[data-id]')]"
                        + ".some(tr => tr.textContent.includes('taobao.qimen.deliveryorder.create')"
                        + " && tr.textContent.includes('success'))", WAIT);
                assertThat(page.eval("document.querySelectorAll('#calls-body tr[data-id]').length").asInt()).isEqualTo(3);
                assertThat(page.eval("document.querySelector('#calls-body tr[data-id]').textContent").asText())
                        .as("newest first").contains("stockout.confirm");
                page.await("the counters", "document.getElementById('stats').textContent.includes('signature failures')", WAIT);

                page.eval("[...document.querySelectorAll('#calls-body tr[data-id]')].find(tr => "
                        + "tr.textContent.includes('deliveryorder.create') && tr.textContent.includes('success')).click()");
                page.await("the call's masked body", "document.getElementById('call-body').textContent"
                        + ".includes('138****5678')", WAIT);
                String shown = page.eval("document.body.innerText").asText();
                assertThat(shown).contains("138****5678", "CUST001", "deliveryOrderCode").doesNotContain("13812345678");
                assertThat(page.eval("document.getElementById('inbox-tab').hidden").asBoolean())
                        .as("no inbox installed: no inbox tab").isTrue();

                Path shot = Path.of("target", "console.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, page.screenshotPng());
                assertThat(Files.size(shot)).isGreaterThan(10_000);

                page.eval("document.getElementById('call-reveal').click()");
                page.await("the revealed body", "document.getElementById('call-body').textContent"
                        + ".includes('13812345678')", WAIT);

                page.eval("document.querySelector('[data-tab=signatures]').click()");
                page.await("signature diagnostics off", "document.getElementById('signatures-note').textContent"
                        + " === 'Signature diagnostics off.'", WAIT);

                assertNoErrors(page, INBOX_PROBE);
                assertThat(page.events(e -> e.path("method").asText().equals("Network.responseReceived")))
                        .extracting(e -> e.path("params").path("response").path("url").asText())
                        .anyMatch(u -> u.endsWith("/console.js"))
                        .anyMatch(u -> u.endsWith("/console.css"))
                        .anyMatch(u -> u.contains("/api/calls/"));
            }
        }
    }

    /** Fails deliveries while told to: one attempt, and the entry is dead. */
    static final class Refusing implements InboxHandler {
        final AtomicBoolean refusing = new AtomicBoolean(true);
        final AtomicInteger delivered = new AtomicInteger();

        @Override
        public Set<String> methods() {
            return Set.of("deliveryorder.create");
        }

        @Override
        public void deliver(InboxDelivery delivery) {
            if (refusing.get()) {
                throw new IllegalStateException("the ERP is closing the month");
            }
            delivered.incrementAndGet();
        }
    }

    @Test
    void inboxTabShowsADeadEntryMaskedAndRetriesItWithAJsonPost() throws Exception {
        Path exe = chromium();
        Refusing handler = new Refusing();
        try (TestServer s = TestServer.start(c -> c.inboxMaxAttempts(1), HandlerRegistry.builder().add(handler).build());
             Chromium browser = Chromium.launch(exe)) {
            s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST001").xmlBody(ConsoleApiTest.ORDER));
            InboxStore store = s.server().inbox().orElseThrow().store();
            long id = store.list(InboxQuery.all()).get(0).id();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (store.get(id).orElseThrow().status() != InboxStatus.DEAD) {
                assertThat(System.nanoTime()).as("entry dead in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            handler.refusing.set(false);

            Chromium.Page page = browser.newPage();
            page.navigate("http://127.0.0.1:" + s.server().adminPort() + "/");
            page.await("the inbox tab", "!document.getElementById('inbox-tab').hidden", WAIT);
            page.eval("document.getElementById('inbox-tab').click()");
            page.await("the dead entry", "[...document.querySelectorAll('#inbox-body tr[data-id]')]"
                    + ".some(tr => tr.textContent.includes('DO1') && tr.textContent.includes('dead'))", WAIT);
            page.eval("document.querySelector('#inbox-body tr[data-id=\"" + id + "\"]').click()");
            page.await("its masked body and the retry button", "document.getElementById('inbox-body-text').textContent"
                    + ".includes('138****5678') && !document.getElementById('inbox-retry').hidden", WAIT);
            assertThat(page.eval("document.body.innerText").asText()).doesNotContain("13812345678");

            page.eval("document.getElementById('inbox-retry').click()");
            page.await("the retry's answer", "document.getElementById('inbox-message').textContent"
                    + ".includes('queued again')", WAIT);
            // due again at once, and delivered: the page may catch it on the way
            page.await("the entry no longer dead", "/(new|processing|done)$/.test(document.getElementById('inbox-title')"
                    + ".textContent) && document.getElementById('inbox-retry').hidden", WAIT);
            while (store.get(id).orElseThrow().status() != InboxStatus.DONE) {
                assertThat(System.nanoTime()).as("delivered after the retry").isLessThan(deadline + WAIT.toNanos());
                Thread.sleep(20);
            }
            assertThat(handler.delivered.get()).isEqualTo(1);

            page.eval("document.getElementById('inbox-status').value = 'dead';"
                    + " document.getElementById('inbox-status').dispatchEvent(new Event('change'))");
            page.await("no dead entry left", "document.querySelectorAll('#inbox-body tr[data-id]').length === 0", WAIT);
            assertNoErrors(page, "");
        }
    }

    /** Console errors (CSP violations among them), uncaught exceptions, failed loads and error statuses. */
    private static void assertNoErrors(Chromium.Page page, String allowed404) {
        List<JsonNode> problems = page.events(e -> switch (e.path("method").asText()) {
            case "Runtime.exceptionThrown", "Network.loadingFailed" -> true;
            case "Runtime.consoleAPICalled" -> List.of("error", "assert").contains(e.path("params").path("type").asText());
            case "Log.entryAdded" -> e.path("params").path("entry").path("level").asText().equals("error")
                    && !(allowed404.length() > 0 && e.path("params").path("entry").path("url").asText().endsWith(allowed404));
            case "Network.responseReceived" -> e.path("params").path("response").path("status").asInt() >= 400
                    && !(allowed404.length() > 0 && e.path("params").path("response").path("status").asInt() == 404
                    && e.path("params").path("response").path("url").asText().endsWith(allowed404));
            default -> false;
        });
        assertThat(problems).as("failed requests and console errors").isEmpty();
    }
}
