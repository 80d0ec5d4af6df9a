package io.qimencallback.server.target.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.testing.Handlers;
import io.qimencallback.server.testing.TestServer;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code route} label of {@code qimen_requests_seconds}, scraped from a real server over real sockets: a Java
 * handler, a {@code forward} and an {@code inbox} line to a real HTTP endpoint ({@link FakeErp}, hence this package),
 * the inbox API, a {@code refuse} line, an unrouted method and a call refused before routing — and callers inventing
 * methods grow neither the route nor the method label.
 */
class RouteMetricsTest {
    private static final Pattern COUNT = Pattern.compile(
            "^qimen_requests_seconds_count\\{method=\"([^\"]*)\",outcome=\"([^\"]*)\",route=\"([^\"]*)\"} (\\d+)(?:\\.0)?$",
            Pattern.MULTILINE);
    private static final String STOCK = "{\"flag\":\"success\",\"code\":\"0\",\"message\":\"ok\"}";
    private static final AtomicInteger CALLS = new AtomicInteger();

    @Test
    void eachCallIsCountedUnderTheRouteItTookAndInventedMethodsAddNoRoute() throws Exception {
        try (FakeErp erp = FakeErp.http(FakeErp.json(200, STOCK));
             TestServer s = TestServer.start(c -> c.target("erp", HttpForwardTest.target(erp.url()))
                             .route("inventory.query", "forward erp")
                             .route("stockout.create", "inbox erp")
                             .route("wdt.*", "refuse"),
                     Handlers.of("entryorder.create", r -> QimenResponse.success()))) {
            assertThat(send(s, "entryorder.create").isSuccess()).isTrue();
            assertThat(send(s, "inventory.query").isSuccess()).isTrue();
            assertThat(send(s, "stockout.create").isSuccess()).isTrue();
            assertThat(send(s, "deliveryorder.create").isSuccess()).isTrue();
            assertThat(send(s, "wdt.trade.query").code()).isEqualTo("invalid-method");
            assertThat(send(s, "made.up.query").code()).isEqualTo("invalid-method");
            assertThat(send(s, "made.up.create").isSuccess()).isTrue(); // the inbox's default methods, label other
            assertThat(s.send(s.call("entryorder.create").signOverride("BAD")).code()).isEqualTo("sign-check-failure");

            Map<String, Long> before = counts(s.admin("/metrics").body());
            assertThat(before).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "entryorder.create success handler", 1L,
                    "inventory.query success forward:erp", 1L,
                    "stockout.create success inbox:erp", 1L,
                    "deliveryorder.create success inbox", 1L,
                    "other invalid-method refuse", 1L,
                    "other invalid-method none", 1L,
                    "other success inbox", 1L,
                    "other sign-check-failure -", 1L));
            // the forward reached the endpoint as a forward (the inbox line's delivery comes on its own time)
            assertThat(s.admin("/metrics").body())
                    .contains("qimen_target_requests_total{kind=\"forward\",outcome=\"ok\",target=\"erp\"} 1.0");

            // 50 methods nobody configured, each taking one of the routes a glob or the default gives
            for (int i = 0; i < 50; i++) {
                String method = switch (i % 3) {
                    case 0 -> "invented" + i + ".query";   // no route
                    case 1 -> "invented" + i + ".create";  // the inbox's default methods
                    default -> "wdt.invented" + i;         // the refuse line
                };
                send(s, method);
            }
            Map<String, Long> after = counts(s.admin("/metrics").body());
            assertThat(after.keySet()).isEqualTo(before.keySet());
            assertThat(labels(after.keySet(), 2)).containsExactlyInAnyOrder("handler", "forward:erp", "inbox:erp",
                    "inbox", "refuse", "none", "-");
            assertThat(labels(after.keySet(), 0)).containsExactlyInAnyOrder("entryorder.create", "inventory.query",
                    "stockout.create", "deliveryorder.create", "other");
            assertThat(after.get("other invalid-method none")).isEqualTo(1L + 17);
            assertThat(after.get("other success inbox")).isEqualTo(1L + 17);
            assertThat(after.get("other invalid-method refuse")).isEqualTo(1L + 16);
        }
    }

    /** A distinct call each time: the replay guard answers a repeated one from memory. */
    private static GatewayResponse send(TestServer s, String method) {
        int n = CALLS.incrementAndGet();
        return s.send(s.call(method).customerId("C1").param("n", Integer.toString(n))
                .xmlBody("<request><order><orderCode>O-" + n + "</orderCode></order></request>"));
    }

    /** {@code "method outcome route"} → count, of every {@code qimen_requests_seconds_count} series. */
    private static Map<String, Long> counts(String scrape) {
        Map<String, Long> out = new TreeMap<>();
        Matcher m = COUNT.matcher(scrape);
        while (m.find()) {
            out.put(m.group(1) + " " + m.group(2) + " " + m.group(3), Long.parseLong(m.group(4)));
        }
        assertThat(out).as("request series in:\n" + scrape).isNotEmpty();
        return out;
    }

    private static Set<String> labels(Set<String> keys, int index) {
        Set<String> out = new TreeSet<>();
        keys.forEach(k -> out.add(k.split(" ")[index]));
        return out;
    }
}
