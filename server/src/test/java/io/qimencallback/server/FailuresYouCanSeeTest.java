package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.server.call.CallProcessor;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.LogCapture;
import io.qimencallback.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a person debugging a handler sees: its exception's class and message (masked) in the log line and the
 * console, under the one id the caller, the access log and the console share; where a handler was stuck at the
 * deadline; which calls were slow. The caller sees none of it.
 */
class FailuresYouCanSeeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANSWER_ID = Pattern.compile("internal error, id ([0-9a-f]{12})");

    @Test
    void aHandlersExceptionIsInTheLogAndTheConsoleUnderTheCallsIdAndNotInTheAnswer() throws Exception {
        try (LogCapture log = LogCapture.of(CallProcessor.class, "qimen.access");
             TestServer s = TestServer.start(Handlers.of("deliveryorder.create", r -> {
                 throw new IllegalStateException("ERP answered HTTP 500 for 13812345678\r\nforged line");
             }))) {
            GatewayResponse answer = s.send(s.call("taobao.qimen.deliveryorder.create").xmlBody("<request/>"));
            assertThat(answer.code()).isEqualTo("system-error");
            Matcher m = ANSWER_ID.matcher(answer.message());
            assertThat(m.matches()).as(answer.message()).isTrue();
            String id = m.group(1);
            assertThat(answer.text()).doesNotContain("ERP", "138", "IllegalState");

            String masked = "error=java.lang.IllegalStateException: ERP answered HTTP 500 for 138****5678\\r\\nforged line";
            ILoggingEvent line = await(log, e -> e.getFormattedMessage().startsWith("system-error id=" + id + " "));
            assertThat(line.getLevel()).isEqualTo(Level.ERROR);
            assertThat(line.getFormattedMessage()).isEqualTo("system-error id=" + id
                    + " method=taobao.qimen.deliveryorder.create " + masked);
            assertThat(line.getThrowableProxy().getStackTraceElementProxyArray()).as("the stack trace").isNotEmpty();
            await(log, e -> e.getLoggerName().equals("qimen.access") && e.getFormattedMessage().startsWith("id=" + id + " "));
            assertThat(log.all()).doesNotContain("13812345678");

            JsonNode calls = JSON.readTree(s.admin("/api/calls").body()).path("calls");
            assertThat(calls.get(0).path("id").asText()).as("the console's id is the call's").isEqualTo(id);
            for (String reveal : List.of("", "?reveal=true")) {
                JsonNode detail = JSON.readTree(s.admin("/api/calls/" + id + reveal).body());
                assertThat(detail.path("errorId").asText()).isEqualTo(id);
                assertThat(detail.path("error").asText()).isEqualTo(masked.substring("error=".length()));
                assertThat(detail.path("answer").asText()).doesNotContain("ERP", "IllegalState");
            }
        }
    }

    @Test
    void aBlockingHandlerStuckPastTheDeadlineHasItsStackLoggedOnce() throws Exception {
        try (LogCapture log = LogCapture.of(CallProcessor.class);
             TestServer s = TestServer.start(c -> c.handlerTimeout(Duration.ofMillis(300)),
                     Handlers.of("inventory.query", r -> {
                         Thread.sleep(20_000);
                         return null;
                     }))) {
            GatewayResponse answer = s.send(s.call("taobao.qimen.inventory.query").xmlBody("<request/>"));
            assertThat(answer.code()).isEqualTo("handler-timeout");
            String id = JSON.readTree(s.admin("/api/calls").body()).path("calls").get(0).path("id").asText();

            ILoggingEvent warn = await(log, e -> e.getFormattedMessage().startsWith("handler-timeout id=" + id + " "));
            assertThat(warn.getLevel()).isEqualTo(Level.WARN);
            assertThat(warn.getFormattedMessage()).contains("method=taobao.qimen.inventory.query",
                    "still running on qimen-worker", "after 300 ms");
            String stack = log.lines().stream().filter(l -> l.contains("handler-timeout id=" + id)).findFirst()
                    .orElseThrow();
            assertThat(stack).contains("java.lang.Thread.sleep", FailuresYouCanSeeTest.class.getName());
            Thread.sleep(200);
            assertThat(log.lines().stream().filter(l -> l.contains("handler-timeout id="))).as("once").hasSize(1);

            JsonNode detail = JSON.readTree(s.admin("/api/calls/" + id).body());
            assertThat(detail.path("error").asText()).startsWith("handler-timeout: the handler was still running"
                    + " after 300 ms, at java.lang.Thread.").contains(", in " + FailuresYouCanSeeTest.class.getName()
                    + ".lambda$", "(FailuresYouCanSeeTest.java:");
        }
    }

    @Test
    void aSlowCallIsWarnedOfOnceASecondPerMethod() throws Exception {
        try (LogCapture log = LogCapture.of(CallProcessor.class);
             TestServer s = TestServer.start(c -> c.handlerTimeout(Duration.ofMillis(1000)), // fraction 0.5 by default
                     Handlers.of("entryorder.create", r -> {
                         Thread.sleep(600);
                         return io.qimencallback.protocol.QimenResponse.success();
                     }),
                     Handlers.of("inventory.query", r -> io.qimencallback.protocol.QimenResponse.success()))) {
            // two slow calls answered together: one line
            // own threads: the common pool has one thread on a two-core machine, which would make them sequential
            ExecutorService callers = Executors.newFixedThreadPool(2);
            CompletableFuture<GatewayResponse> a = CompletableFuture.supplyAsync(
                    () -> s.send(s.call("entryorder.create").xmlBody("<request/>")), callers);
            CompletableFuture<GatewayResponse> b = CompletableFuture.supplyAsync(
                    () -> s.send(s.call("entryorder.create").xmlBody("<request/>")), callers);
            callers.shutdown();
            assertThat(a.get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(b.get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(s.send(s.call("inventory.query").xmlBody("<request/>")).isSuccess()).isTrue();

            ILoggingEvent warn = await(log, e -> e.getFormattedMessage().startsWith("slow call id="));
            assertThat(warn.getLevel()).isEqualTo(Level.WARN);
            assertThat(warn.getFormattedMessage()).matches("slow call id=[0-9a-f]{12} method=entryorder.create took"
                    + " [5-9]\\d\\d ms of 1000 ms deadline"); // past the 500 ms threshold; sleep(600) may wake a hair early
            String id = warn.getFormattedMessage().substring("slow call id=".length(), "slow call id=".length() + 12);
            JsonNode calls = JSON.readTree(s.admin("/api/calls").body()).path("calls");
            assertThat(calls.findValuesAsText("id")).as("the call's own id").contains(id);
            Thread.sleep(200);
            assertThat(log.lines().stream().filter(l -> l.contains("slow call"))).as("once a second per method")
                    .hasSize(1);
        }
    }

    @Test
    void noSlowCallWarningsWhenOff() throws Exception {
        try (LogCapture log = LogCapture.of(CallProcessor.class);
             TestServer s = TestServer.start(c -> c.handlerTimeout(Duration.ofMillis(1000)).slowCallFraction(0),
                     Handlers.of("entryorder.create", r -> {
                         Thread.sleep(600);
                         return io.qimencallback.protocol.QimenResponse.success();
                     }))) {
            assertThat(s.send(s.call("entryorder.create").xmlBody("<request/>")).isSuccess()).isTrue();
            Thread.sleep(200);
            assertThat(log.all()).doesNotContain("slow call");
        }
    }

    /** The first captured event that matches, within 5 s (the access log is written after the answer). */
    private static ILoggingEvent await(LogCapture log, java.util.function.Predicate<ILoggingEvent> match)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            for (ILoggingEvent e : log.events()) {
                if (match.test(e)) {
                    return e;
                }
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("no such log event in:\n" + log.all());
            }
            Thread.sleep(10);
        }
    }
}
