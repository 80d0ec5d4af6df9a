package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.cli.CapturedRequest;
import io.qimencallback.server.config.AutoOnOff;
import io.qimencallback.server.inbox.InboxEntry;
import io.qimencallback.server.inbox.InboxQuery;
import io.qimencallback.server.inbox.InboxStatus;
import io.qimencallback.server.inbox.InboxStore;
import io.qimencallback.server.testing.Chromium;
import io.qimencallback.server.testing.Cli;
import io.qimencallback.server.testing.FileTarget;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debug console in a real headless Chromium, driven over the DevTools protocol, checked for what a person sees:
 * at 1024×768 and 1440×900, in English and Chinese (picked from the browser's language), every view is measured from
 * the DOM — no table cell or pane wider than its box or the page, long method names on one line (cut with an ellipsis,
 * whole on hover), the call's answer, the signature failure's link to its diagnosis, the system-error's id, the inbox
 * entry's delivery history — and makes no failed request and no console error. Screenshots of every view are kept
 * under {@code target/console/} (the README's picture is taken from them).
 */
class ConsoleBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SHOTS = Path.of("target", "console");
    private static final String INBOX_PROBE = "/api/inbox?limit=1";
    /** A push no handler takes: stored, kept for the inbox API. */
    private static final String LONG_METHOD = "taobao.qimen.combineitem.synchronize";
    private static final DateTimeFormatter CHINA_TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneOffset.ofHours(8));

    /** Strings the page must show, per language (from its message table). */
    private static final Map<String, Map<String, String>> SEEN = Map.of(
            "en", Map.of("tab", "Recent calls", "link", "See its diagnosis", "delivery", "Delivery",
                    "answer", "Answer (as sent)", "time", "Time (GMT+8)", "handler", "inbox handler",
                    "api", "inbox API", "routes", "Where they go"),
            "zh-CN", Map.of("tab", "最近调用", "link", "查看签名诊断", "delivery", "投递情况",
                    "answer", "应答（原样）", "time", "时间（GMT+8）", "handler", "收件箱处理器",
                    "api", "收件箱 API", "routes", "去向"));

    /**
     * Layout problems of what is on screen, measured from the DOM: the page scrolling sideways; a pane, card or table
     * cell wider than its content box (a cell cut with an ellipsis, its whole text on hover, is by design) or reaching
     * out of the viewport or out of its pane; a method name on more than one line.
     */
    private static final String LAYOUT_PROBLEMS = """
            (() => {
              const problems = [];
              const vw = document.documentElement.clientWidth;
              const shown = (e) => e.getClientRects().length > 0;
              const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '')
                  + ' "' + (e.textContent || '').trim().substring(0, 40) + '"';
              if (document.documentElement.scrollWidth > vw) {
                problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
              }
              const boxes = [...document.querySelectorAll('.list, .detail, .card, header, nav')].filter(shown);
              for (const b of boxes) {
                const r = b.getBoundingClientRect();
                if (b.scrollWidth > b.clientWidth + 1) problems.push(name(b) + ' scrolls sideways: '
                    + b.scrollWidth + ' > ' + b.clientWidth);
                if (r.left < -0.5 || r.right > vw + 0.5) problems.push(name(b) + ' outside the viewport: '
                    + r.left + '..' + r.right);
              }
              const items = document.querySelectorAll('table th, table td, .fields dt, .fields dd, pre, h2, h3,'
                  + ' .actions > *, .notice, .stat, .tabs > *');
              for (const c of [...items].filter(shown)) {
                const r = c.getBoundingClientRect();
                const pane = c.closest('.list, .detail, .card, header, nav');
                const p = pane ? pane.getBoundingClientRect() : {left: 0, right: vw};
                if (r.left < Math.max(0, p.left) - 0.5 || r.right > Math.min(vw, p.right) + 0.5) {
                  problems.push(name(c) + ' reaches out of ' + (pane ? name(pane).substring(0, 30) : 'the page')
                      + ': ' + r.left + '..' + r.right + ' in ' + p.left + '..' + p.right);
                }
                const cs = getComputedStyle(c);
                const cut = cs.textOverflow === 'ellipsis' && cs.overflowX === 'hidden'
                    && c.title === c.textContent;
                if (c.scrollWidth > c.clientWidth + 1 && !cut && c.tagName !== 'PRE') {
                  problems.push(name(c) + ' overflows its box: ' + c.scrollWidth + ' > ' + c.clientWidth);
                }
                if (c.tagName === 'PRE' && c.scrollWidth > c.clientWidth + 1) {
                  problems.push(name(c) + ' scrolls sideways');
                }
              }
              for (const m of [...document.querySelectorAll('td.c-method')].filter(shown)) {
                const range = document.createRange();
                range.selectNodeContents(m);
                const lines = new Set([...range.getClientRects()].map((x) => Math.round(x.top))).size;
                if (lines > 1) problems.push(name(m) + ' is on ' + lines + ' lines');
                if (m.scrollWidth > m.clientWidth + 1 && m.title !== m.textContent) {
                  problems.push(name(m) + ' is cut without its whole name on hover');
                }
              }
              return problems;
            })()""";

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

    /** Fails deliveries while told to: one attempt, and the entry is dead. */
    static final class Refusing implements InboxHandler {
        final AtomicBoolean refusing = new AtomicBoolean(true);
        final AtomicInteger delivered = new AtomicInteger();

        @Override
        public Set<String> methods() {
            return Set.of("stockout.confirm");
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
    void everyViewFitsAtBothSizesInBothLanguages(@TempDir Path dir) throws Exception {
        Path exe = chromium();
        Refusing inboxHandler = new Refusing();
        HandlerRegistry handlers = HandlerRegistry.builder()
                .add(Handlers.of("deliveryorder.create", r -> QimenResponse.success()
                        .with("deliveryOrderId", "WMS-" + r.bodyTree().at("/deliveryOrder/deliveryOrderCode").asText())))
                .add(Handlers.of("entryorder.create", r -> {
                    throw new IllegalStateException("the ERP database is down for 13812345678");
                }))
                .add(inboxHandler)
                .build();
        try (TestServer s = TestServer.start(c -> c.inboxMaxAttempts(1).signatureDiagnostics(AutoOnOff.ON)
                        .target("erp", Map.of("type", "test-file", "file", dir.resolve("erp.log").toString()))
                        .route("itemlack.report", "inbox erp").route("wdt.*", "refuse"), handlers, List.of(),
                List.of(FileTarget.TYPE));
             Chromium browser = Chromium.launch(exe)) {
            s.send(s.call("taobao.qimen.stockout.confirm").customerId("CUST002").xmlBody("<request><deliveryOrderCode>"
                    + "SO7</deliveryOrderCode></request>"));
            s.send(s.call(LONG_METHOD).customerId("CUST-LONG-0001").xmlBody("<request><orderCode>O1</orderCode></request>"));
            s.send(s.call("taobao.qimen.entryorder.create").customerId("CUST003").xmlBody("<request/>"));
            s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST001").signOverride("0BAD"));
            s.send(s.call("taobao.qimen.deliveryorder.create").customerId("CUST001").xmlBody(ConsoleApiTest.ORDER));
            s.raw("POST", "/elsewhere?method=x.y&app_key=k2", Map.of(), new byte[0]);
            s.send(s.call("taobao.qimen.itemlack.report").customerId("CUST004").xmlBody("<request><itemLack><itemCode>"
                    + "SKU-1</itemCode></itemLack></request>"));
            InboxStore store = s.server().inbox().orElseThrow().store();
            long delivered = awaitEntry(store, "itemlack.report", InboxStatus.DONE);
            long dead = awaitEntry(store, "stockout.confirm", InboxStatus.DEAD);
            long fresh = awaitEntry(store, LONG_METHOD, InboxStatus.NEW);
            inboxHandler.refusing.set(false);

            JsonNode calls = JSON.readTree(s.admin("/api/calls").body()).path("calls");
            JsonNode order = find(calls, "taobao.qimen.deliveryorder.create", "success");
            JsonNode signFailure = find(calls, "taobao.qimen.deliveryorder.create", "sign-check-failure");
            JsonNode systemError = find(calls, "taobao.qimen.entryorder.create", "system-error");
            String errorId = JSON.readTree(s.admin("/api/calls/" + systemError.path("id").asText()).body())
                    .path("errorId").asText();
            assertThat(errorId).matches("[0-9a-f]{12}");
            String admin = "http://127.0.0.1:" + s.server().adminPort() + "/";
            Files.createDirectories(SHOTS);

            for (String lang : List.of("en", "zh-CN")) {
                Chromium.Page page = browser.newPage();
                speak(page, lang);
                for (int[] size : List.of(new int[] {1024, 768}, new int[] {1440, 900})) {
                    String shot = lang + "-" + size[0] + "x" + size[1] + "-";
                    page.send("Emulation.setDeviceMetricsOverride", Map.of("width", size[0], "height", size[1],
                            "deviceScaleFactor", 1, "mobile", false));
                    page.navigate(admin);
                    page.await("the page to load its data", "document.body.dataset.loaded === 'true'"
                            + " && document.querySelectorAll('#calls-body tr[data-id]').length === 7", WAIT);
                    assertThat(page.eval("document.documentElement.lang").asText()).as("from the browser").isEqualTo(lang);
                    String text = page.eval("document.body.innerText").asText();
                    assertThat(text).contains(SEEN.get(lang).get("tab"), SEEN.get(lang).get("time"));
                    assertThat(page.eval("[...document.querySelectorAll('[data-i18n]')]"
                            + ".filter(e => !e.textContent.trim()).map(e => e.dataset.i18n)")).as("untranslated").isEmpty();

                    // the list alone: no empty detail pane beside it, times in China time with UTC on hover
                    assertThat(page.eval("document.getElementById('call-detail').hidden").asBoolean()).isTrue();
                    assertThat(page.eval("document.querySelector('#calls .list').getBoundingClientRect().width"
                            + " > document.querySelector('main').clientWidth - 50").asBoolean()).as("full width").isTrue();
                    JsonNode timeCell = page.eval("(() => { const td = document.querySelector('#calls-body tr[data-id=\""
                            + order.path("id").asText() + "\"] td'); return {text: td.textContent, title: td.title}; })()");
                    Instant received = Instant.parse(order.path("time").asText());
                    assertThat(timeCell.path("text").asText()).isEqualTo(CHINA_TIME.format(received));
                    assertThat(timeCell.path("title").asText()).contains("GMT+8", "UTC",
                            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(received));
                    JsonNode longCell = page.eval("(() => { const td = [...document.querySelectorAll('#calls-body td')]"
                            + ".find(td => td.title === '" + LONG_METHOD + "'); return td ? td.textContent : null; })()");
                    assertThat(longCell.asText()).isEqualTo(LONG_METHOD);
                    check(page, shot + "calls");

                    // a call's detail: its answer, masked body
                    select(page, "calls-body", order.path("id").asText());
                    page.await("the answer", "document.getElementById('call-answer').textContent"
                            + ".includes('<deliveryOrderId>WMS-DO1</deliveryOrderId>')", WAIT);
                    page.await("the masked body", "document.getElementById('call-body').textContent"
                            + ".includes('138****5678')", WAIT);
                    assertThat(page.eval("document.body.innerText").asText())
                            .contains(SEEN.get(lang).get("answer"), "WMS-DO1", "CUST001").doesNotContain("13812345678");
                    check(page, shot + "call");

                    // a signature failure: its message and a link to its diagnosis
                    select(page, "calls-body", signFailure.path("id").asText());
                    page.await("the link to the diagnosis", "document.getElementById('call-diagnosis')"
                            + " && document.getElementById('call-diagnosis').textContent === '"
                            + SEEN.get(lang).get("link") + "'", WAIT);
                    String target = page.eval("document.getElementById('call-diagnosis').getAttribute('href')").asText();
                    assertThat(target).startsWith("#sig-");
                    assertThat(page.eval("document.getElementById('call-answer').textContent").asText())
                            .contains("sign-check-failure");
                    check(page, shot + "sign-failure");
                    page.eval("document.getElementById('call-diagnosis').click()");
                    page.await("the diagnosis, highlighted", "!document.getElementById('signatures').hidden"
                            + " && document.querySelector('" + target + ".card.highlight')", WAIT);
                    assertThat(page.eval("document.querySelector('" + target + "').textContent").asText())
                            .contains("0BAD");
                    check(page, shot + "signatures");

                    // a system-error: its id, to find the stack trace in the log
                    page.eval("document.querySelector('[data-tab=calls]').click()");
                    select(page, "calls-body", systemError.path("id").asText());
                    page.await("the error id", "!document.getElementById('call-notice').hidden && document"
                            + ".getElementById('call-notice').textContent.includes('" + errorId + "')", WAIT);
                    // and its cause, masked: the caller got the id only
                    page.await("the error", "document.getElementById('call-summary').textContent.includes("
                            + "'java.lang.IllegalStateException: the ERP database is down for 138****5678')", WAIT);
                    assertThat(page.eval("document.body.innerText").asText()).doesNotContain("13812345678");
                    assertThat(page.eval("document.getElementById('call-answer').textContent").asText())
                            .doesNotContain("ERP database");
                    check(page, shot + "system-error");
                    page.eval("document.getElementById('call-close').click()");
                    assertThat(page.eval("document.getElementById('call-detail').hidden").asBoolean()).isTrue();

                    // the inbox: list, then the dead entry's delivery history
                    page.eval("document.getElementById('inbox-tab').click()");
                    page.await("the entries", "document.querySelectorAll('#inbox-body tr[data-id]').length === 3", WAIT);
                    // who each entry is for
                    assertThat(page.eval("document.querySelector('#inbox-body tr[data-id=\"" + dead + "\"] td.c-consumer')"
                            + ".textContent").asText()).isEqualTo(SEEN.get(lang).get("handler"));
                    assertThat(page.eval("document.querySelector('#inbox-body tr[data-id=\"" + fresh + "\"] td.c-consumer')"
                            + ".textContent").asText()).isEqualTo(SEEN.get(lang).get("api"));
                    check(page, shot + "inbox");
                    select(page, "inbox-body", Long.toString(dead));
                    page.await("the delivery history", "document.getElementById('inbox-delivery').textContent"
                            + ".includes('the ERP is closing the month')", WAIT);
                    String delivery = page.eval("document.getElementById('inbox-delivery').innerText").asText();
                    assertThat(delivery).contains("dead", "1", "GMT+8", SEEN.get(lang).get("handler"));
                    assertThat(page.eval("document.body.innerText").asText()).contains(SEEN.get(lang).get("delivery"));
                    assertThat(page.eval("['inbox-ack', 'inbox-retry', 'inbox-replay']"
                            + ".every(id => !document.getElementById(id).hidden)").asBoolean()).isTrue();
                    check(page, shot + "inbox-entry");
                    // a delivered entry: where it went, as its target said
                    select(page, "inbox-body", Long.toString(delivered));
                    page.await("where it went", "document.getElementById('inbox-delivery').textContent"
                            + ".includes('file erp.log')", WAIT);
                    assertThat(page.eval("document.getElementById('inbox-delivery').innerText").asText())
                            .contains(lang.equals("en") ? "delivered to" : "投递到", "file erp.log", "done");

                    // the route table, in the order it applies
                    page.eval("document.getElementById('inbox-close').click()");
                    page.eval("document.getElementById('routes-tab').click()");
                    page.await("the routes", "document.querySelectorAll('#routes-body tr').length >= 6", WAIT);
                    String routes = page.eval("document.getElementById('routes').innerText").asText();
                    assertThat(routes).contains(SEEN.get(lang).get("routes"), "deliveryorder.create", "stockout.confirm",
                            "itemlack.report", "inbox erp (test-file erp.log)", "wdt.*", "refuse", "routes[1] (code)",
                            "inbox_methods", "refuse (invalid-method)");
                    JsonNode rows = page.eval("[...document.querySelectorAll('#routes-body tr')].map(tr =>"
                            + " tr.querySelector('.c-methods').textContent)");
                    assertThat(rows.get(rows.size() - 1).asText()).isEqualTo("*");
                    check(page, shot + "routes");
                    page.eval("document.querySelector('[data-tab=calls]').click()");
                }
                assertNoErrors(page);
            }

            Chromium.Page page = browser.newPage();
            speak(page, "zh-CN");
            page.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1440, "height", 900,
                    "deviceScaleFactor", 1, "mobile", false));
            page.navigate(admin);
            page.await("the page in Chinese", "document.body.dataset.loaded === 'true'"
                    + " && document.documentElement.lang === 'zh-CN'", WAIT);

            // copy as capture: what verify reads, and verifies
            browser.sendToBrowser("Browser.grantPermissions", Map.of("origin", admin.substring(0, admin.length() - 1),
                    "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            page.send("Emulation.setFocusEmulationEnabled", Map.of("enabled", true));
            select(page, "calls-body", order.path("id").asText());
            page.await("the call", "document.getElementById('call-answer').textContent.includes('WMS-DO1')", WAIT);
            page.eval("document.getElementById('call-copy').click()");
            page.await("copied", "document.getElementById('call-message').textContent.startsWith('已复制')", WAIT);
            String copied = page.eval("navigator.clipboard.readText()").asText();
            assertThat(copied).startsWith("POST /qimen?").contains("13812345678"); // exact: not masked
            Path capture = Files.writeString(dir.resolve("order.http"), copied, StandardCharsets.UTF_8);
            assertThat(new String(CapturedRequest.parse(Files.readAllBytes(capture)).body(), StandardCharsets.UTF_8))
                    .isEqualTo(ConsoleApiTest.ORDER);
            Cli.Run verified = Cli.run("verify", capture.toString(), "--secret", TestServer.SECRET);
            assertThat(verified.exit()).as(verified.out()).isZero();

            // the switch, remembered
            page.eval("(() => { const l = document.getElementById('lang'); l.value = 'en';"
                    + " l.dispatchEvent(new Event('change')); })()");
            page.await("English", "document.querySelector('[data-tab=calls]').textContent === 'Recent calls'", WAIT);
            page.navigate(admin);
            page.await("English after a reload", "document.body.dataset.loaded === 'true'"
                    + " && document.documentElement.lang === 'en'", WAIT);

            // ack the new entry, retry the dead one
            page.eval("document.getElementById('inbox-tab').click()");
            page.await("the entries", "document.querySelectorAll('#inbox-body tr[data-id]').length === 3", WAIT);
            select(page, "inbox-body", Long.toString(fresh));
            page.await("the new entry", "document.getElementById('inbox-title').textContent.endsWith('new')", WAIT);
            page.eval("document.getElementById('inbox-ack').click()");
            page.await("acknowledged", "document.getElementById('inbox-message').textContent.includes('acknowledged')"
                    + " && document.getElementById('inbox-title').textContent.endsWith('done')", WAIT);
            assertThat(store.get(fresh).orElseThrow().status()).isEqualTo(InboxStatus.DONE);
            select(page, "inbox-body", Long.toString(dead));
            page.await("the dead entry", "document.getElementById('inbox-title').textContent.endsWith('dead')", WAIT);
            page.eval("document.getElementById('inbox-retry').click()");
            page.await("queued again", "document.getElementById('inbox-message').textContent.includes('queued again')",
                    WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (store.get(dead).orElseThrow().status() != InboxStatus.DONE) {
                assertThat(System.nanoTime()).as("delivered after the retry").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(inboxHandler.delivered.get()).isEqualTo(1);
            page.await("done on the page", "document.getElementById('inbox-title').textContent.endsWith('done')", WAIT);
            page.eval("localStorage.clear()");
            assertNoErrors(page);
        }
    }

    @Test
    void withoutAnInboxThereIsNoInboxTab() throws Exception {
        Path exe = chromium();
        try (TestServer s = TestServer.start(c -> c.inboxEnabled(false));
             Chromium browser = Chromium.launch(exe)) {
            s.send(s.call("deliveryorder.create"));
            Chromium.Page page = browser.newPage();
            page.navigate("http://127.0.0.1:" + s.server().adminPort() + "/");
            page.await("the call", "document.body.dataset.loaded === 'true'"
                    + " && document.querySelectorAll('#calls-body tr[data-id]').length === 1", WAIT);
            Thread.sleep(300); // the inbox probe has answered by now
            assertThat(page.eval("document.getElementById('inbox-tab').hidden").asBoolean()).isTrue();
            page.eval("document.querySelector('[data-tab=signatures]').click()");
            page.await("diagnostics off", "document.getElementById('signatures-note').textContent.length > 0", WAIT);
            // the one 404 allowed: the page asking whether there is an inbox
            List<JsonNode> problems = page.events(e -> switch (e.path("method").asText()) {
                case "Runtime.exceptionThrown", "Network.loadingFailed" -> true;
                case "Runtime.consoleAPICalled" -> List.of("error", "assert", "warning")
                        .contains(e.path("params").path("type").asText());
                case "Log.entryAdded" -> e.path("params").path("entry").path("level").asText().equals("error")
                        && !e.path("params").path("entry").path("url").asText().endsWith(INBOX_PROBE);
                case "Network.responseReceived" -> e.path("params").path("response").path("status").asInt() >= 400
                        && !e.path("params").path("response").path("url").asText().endsWith(INBOX_PROBE);
                default -> false;
            });
            assertThat(problems).as("failed requests and console errors").isEmpty();
        }
    }

    /** The browser's language, as navigator.languages and Accept-Language say it. */
    private static void speak(Chromium.Page page, String lang) {
        String agent = page.eval("navigator.userAgent").asText();
        page.send("Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", lang));
        page.send("Emulation.setLocaleOverride", Map.of("locale", lang));
    }

    private static void select(Chromium.Page page, String tbody, String id) throws InterruptedException {
        String row = "document.querySelector('#" + tbody + " tr[data-id=\"" + id + "\"]')";
        page.await("row " + id, row, WAIT);
        page.eval(row + ".click()");
    }

    /** Measures the layout, then keeps a screenshot. */
    private static void check(Chromium.Page page, String view) throws Exception {
        Files.write(SHOTS.resolve(view + ".png"), page.screenshotPng());
        List<String> problems = JSON.convertValue(page.eval(LAYOUT_PROBLEMS), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        assertThat(problems).as("layout of " + view).isEmpty();
    }

    private static JsonNode find(JsonNode calls, String method, String outcome) {
        for (JsonNode c : calls) {
            if (method.equals(c.path("method").asText()) && outcome.equals(c.path("outcome").asText())) {
                return c;
            }
        }
        throw new AssertionError("no " + method + " " + outcome + " in " + calls);
    }

    private static long awaitEntry(InboxStore store, String method, InboxStatus status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (InboxEntry e : store.list(InboxQuery.all())) {
                if ((e.method().equals(method) || method.equals(e.rawMethod())) && e.status() == status) {
                    return e.id();
                }
            }
            assertThat(System.nanoTime()).as(method + " " + status + " in time: " + store.list(InboxQuery.all()))
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Console errors (CSP violations among them), uncaught exceptions, failed loads and error statuses. */
    private static void assertNoErrors(Chromium.Page page) {
        List<JsonNode> problems = page.events(e -> switch (e.path("method").asText()) {
            case "Runtime.exceptionThrown", "Network.loadingFailed" -> true;
            case "Runtime.consoleAPICalled" -> List.of("error", "assert", "warning")
                    .contains(e.path("params").path("type").asText());
            case "Log.entryAdded" -> e.path("params").path("entry").path("level").asText().equals("error");
            case "Network.responseReceived" -> e.path("params").path("response").path("status").asInt() >= 400;
            default -> false;
        });
        assertThat(problems).as("failed requests and console errors").isEmpty();
    }
}
