package io.qimencallback.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.internal.privacy.PersonalData;
import io.qimencallback.server.admin.AdminRequest;
import io.qimencallback.server.admin.AdminResponse;
import io.qimencallback.server.admin.AdminRouter;
import io.qimencallback.server.admin.AdminRoutes;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.recent.RecentCall;
import io.qimencallback.server.recent.RecentCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The debug console on the admin port: a static page ({@code /}, {@code /console}, its .js and .css) over a JSON API
 * ({@code /api/calls}, {@code /api/calls/{id}}, {@code /api/stats}, {@code /api/signature-failures},
 * {@code /api/routes}). Call content is masked with {@link PersonalData} unless {@code reveal=true} is asked for.
 */
public final class ConsoleRoutes implements AdminRoutes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_LIMIT = 1000;
    private static final Pattern ERROR_ID = Pattern.compile("\\bid ([0-9a-f]{6,32})\\b");

    private final RecentCalls calls;
    private final ServerMetrics metrics;
    private final Supplier<JsonNode> signatureFailures;
    private final AdminResponse routes;

    /**
     * @param signatureFailures the signature diagnostics ring as JSON
     *                          ({@code {"enabled":..,"capacity":..,"failures":[..]}})
     * @param routeTable        the effective route table, one line per entry ({@code Routes.describe()})
     */
    public ConsoleRoutes(RecentCalls calls, ServerMetrics metrics, Supplier<JsonNode> signatureFailures,
                         List<String> routeTable) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.signatureFailures = Objects.requireNonNull(signatureFailures, "signatureFailures");
        this.routes = AdminResponse.json(routes(routeTable));
    }

    /**
     * The route table as {@code {"routes": [{"methods": "*.create", "route": "inbox erp (http ...)", "origin":
     * "routes[1] (/etc/qimen.yml)", "line": ...}]}}, in the order it is applied: each line split where
     * {@code Routes.describe()} writes {@code ": "} and {@code "   # "}.
     */
    static JsonNode routes(List<String> table) {
        ArrayNode list = JSON.arrayNode();
        for (String line : table) {
            String rest = line;
            String origin = null;
            int hash = rest.lastIndexOf("   # ");
            if (hash >= 0) {
                origin = rest.substring(hash + 5);
                rest = rest.substring(0, hash);
            }
            int colon = rest.indexOf(": ");
            ObjectNode o = list.addObject();
            o.put("methods", colon < 0 ? rest : rest.substring(0, colon));
            o.put("route", colon < 0 ? "" : rest.substring(colon + 2));
            o.put("origin", origin);
            o.put("line", line);
        }
        return JSON.objectNode().set("routes", list);
    }

    /** What {@code /api/signature-failures} answers while no diagnostics are collected. */
    public static JsonNode diagnosticsOff() {
        return JSON.objectNode().put("enabled", false).put("capacity", 0).set("failures", JSON.arrayNode());
    }

    @Override
    public void addTo(AdminRouter.Builder router) {
        // in-memory files: served on the event loop
        AdminResponse page = AdminResponse.html(resource("console.html"));
        AdminResponse script = AdminResponse.of(200, "text/javascript; charset=utf-8", resource("console.js"));
        AdminResponse style = AdminResponse.of(200, "text/css; charset=utf-8", resource("console.css"));
        AdminResponse icon = AdminResponse.of(200, "image/svg+xml", resource("favicon.svg"));
        router.getOnEventLoop("/", r -> page)
                .getOnEventLoop("/console", r -> page)
                .getOnEventLoop("/console.js", r -> script)
                .getOnEventLoop("/console.css", r -> style)
                .getOnEventLoop("/favicon.svg", r -> icon)
                .get("/api/calls", this::list)
                .get("/api/calls/*", this::detail)
                .get("/api/calls/*/capture", this::capture)
                .get("/api/stats", r -> AdminResponse.json(stats()))
                .get("/api/signature-failures", r -> AdminResponse.json(signatureFailures.get()))
                .getOnEventLoop("/api/routes", r -> routes);
    }

    private AdminResponse list(AdminRequest request) {
        ArrayNode list = JSON.arrayNode();
        for (RecentCall c : calls.latest(request.intParam("limit", 50, 1, MAX_LIMIT))) {
            list.add(summary(c));
        }
        ObjectNode out = JSON.objectNode().put("enabled", calls.enabled()).put("capacity", calls.capacity());
        out.set("calls", list);
        return AdminResponse.json(out);
    }

    private AdminResponse detail(AdminRequest request) {
        var found = calls.find(request.pathParam(0));
        if (found.isEmpty()) {
            return AdminResponse.error(404, "no such call (only the last " + calls.capacity() + " are kept)");
        }
        RecentCall c = found.get();
        boolean reveal = request.queryParam("reveal").map("true"::equalsIgnoreCase).orElse(false);
        ObjectNode out = summary(c);
        out.put("masked", !reveal);
        out.put("message", c.message() == null ? null : reveal ? c.message() : PersonalData.maskText(c.message()));
        Map<String, String> params = reveal ? c.params() : PersonalData.maskParams(c.params());
        ObjectNode p = out.putObject("params");
        params.forEach(p::put);
        out.put("body", reveal ? c.bodyText() : PersonalData.maskBody(c.contentType(), c.bodyText(), c.truncated()));
        out.put("bodyTruncated", c.truncated());
        String answer = c.answerText();
        out.put("answer", answer.isEmpty() ? null : reveal ? answer : PersonalData.maskText(answer));
        errorId(c).ifPresent(id -> out.put("errorId", id));
        // masked when kept (the raw message is never kept): the same with reveal
        out.put("error", c.error());
        out.put("capturable", !c.truncated());
        return AdminResponse.json(out);
    }

    /** The id a {@code system-error} answer carries ("internal error, id 0123abcd4567"), to find its log line. */
    private static java.util.Optional<String> errorId(RecentCall c) {
        if (!"system-error".equals(c.outcome()) || c.message() == null) {
            return java.util.Optional.empty();
        }
        Matcher m = ERROR_ID.matcher(c.message());
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /**
     * The call as the raw-request file {@code verify} reads (request line, headers, blank line, the exact body bytes).
     * The request target's path is not recorded: {@code /qimen} stands for it, and {@code verify} ignores it.
     */
    private AdminResponse capture(AdminRequest request) {
        var found = calls.find(request.pathParam(0));
        if (found.isEmpty()) {
            return AdminResponse.error(404, "no such call (only the last " + calls.capacity() + " are kept)");
        }
        RecentCall c = found.get();
        if (c.truncated()) {
            return AdminResponse.error(409, "only the first " + RecentCall.MAX_BODY_BYTES + " of the body's "
                    + c.bodyLength() + " bytes were kept: no capture can be made");
        }
        StringBuilder head = new StringBuilder();
        head.append(c.httpMethod()).append(" /qimen").append(c.rawQuery().isEmpty() ? "" : "?" + c.rawQuery())
                .append(" HTTP/1.1\r\n");
        if (c.host() != null) {
            head.append("Host: ").append(c.host()).append("\r\n");
        }
        if (c.contentType() != null) {
            head.append("Content-Type: ").append(c.contentType()).append("\r\n");
        }
        head.append("Content-Length: ").append(c.body().length).append("\r\n\r\n");
        // header values were read as ISO-8859-1 off the wire: written back the same way, byte for byte
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(h, h.length + c.body().length);
        System.arraycopy(c.body(), 0, out, h.length, c.body().length);
        return AdminResponse.of(200, "message/http", out);
    }

    private static ObjectNode summary(RecentCall c) {
        ObjectNode o = JSON.objectNode();
        o.put("id", c.id());
        o.put("time", c.time().toString());
        o.put("method", c.method());
        o.put("appKey", c.appKey());
        o.put("customerId", c.customerId());
        o.put("outcome", c.outcome());
        o.put("latencyMs", Math.round(c.latencyMillis() * 100) / 100.0);
        o.put("remote", c.remote());
        o.put("format", c.format());
        o.put("contentType", c.contentType());
        o.put("bodyLength", c.bodyLength());
        return o;
    }

    private ObjectNode stats() {
        ObjectNode o = JSON.objectNode();
        o.put("uptimeSeconds", metrics.uptime().toSeconds());
        o.put("inFlight", metrics.inFlight());
        ObjectNode requests = o.putObject("requests");
        long total = 0;
        for (var e : metrics.requestsByOutcome().entrySet()) {
            requests.put(e.getKey(), e.getValue());
            total += e.getValue();
        }
        o.put("requestsTotal", total);
        o.put("signatureFailures", metrics.signatureFailures());
        ObjectNode rejections = o.putObject("httpRejections");
        metrics.httpRejections().forEach((status, n) -> rejections.put(Integer.toString(status), n));
        ObjectNode recent = o.putObject("recentCalls");
        recent.put("kept", calls.size());
        recent.put("capacity", calls.capacity());
        return o;
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("console resource missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
