package io.qimencallback.server.cli;

import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.Burst;
import io.qimencallback.server.client.BurstSummary;
import io.qimencallback.server.client.Fixture;
import io.qimencallback.server.client.Fixtures;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Acts as the gateway: builds, signs and sends one call to any service address, and prints the answer. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send a signed call to a service address, as the Qimen gateway would: your own (--method, --body)"
                + " or a bundled fixture (--api; --list-apis lists them). With --repeat, a burst and a summary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:flag=success (every call, with --repeat)", "1:an answer that is not success", "2:bad usage", "3:no answer (connection, timeout; every call, with --repeat)"})
public final class SendCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", description = "The service address, e.g. http://127.0.0.1:8080/qimen")
    private URI url;

    @Option(names = "--method", description = "API method, e.g. deliveryorder.create (with --body, or no body).")
    private String method;

    @Option(names = "--api", paramLabel = "NAME", description = "Send the bundled fixture of this API instead"
            + " (fake data, a fresh document code and time per call), e.g. deliveryorder.create; see --list-apis.")
    private String api;

    @Option(names = "--as", paramLabel = "KIND", description = "With --api: send the business data as xml, json or"
            + " form (form fields); default: the fixture's own kind.")
    private String as;

    @Option(names = "--list-apis", description = "List the bundled fixtures and exit.")
    private boolean listApis;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CallerOptions caller;

    @Option(names = "--body", paramLabel = "FILE", description = "Body file (XML or JSON, sent byte for byte).")
    private Path body;

    @Option(names = "--content-type", description = "Body Content-Type (default: from the body's first character).")
    private String contentType;

    @Option(names = "--format", description = "xml or json (default: the body's kind; with --api, the API's usual format).")
    private String format;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Extra query parameter (repeatable).")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--form-field", paramLabel = "KEY=VALUE", description = "Form field; makes the body form-encoded (repeatable).")
    private Map<String, String> formFields = new LinkedHashMap<>();

    @Option(names = "--timestamp", description = "timestamp parameter verbatim (default: now, GMT+8).")
    private String timestamp;

    @Option(names = "--charset", defaultValue = "UTF-8", description = "Charset of the parameters and the body"
            + " (default: ${DEFAULT-VALUE}).")
    private Charset charset;

    @Option(names = {"-v", "--verbose"}, description = "Also print the request.")
    private boolean verbose;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
            description = "Send N calls (each with a fresh timestamp and, with --api, document code) and print a summary.")
    private int repeat;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "C", description = "With --repeat: calls in flight at once.")
    private int concurrency;

    @Option(names = "--json", description = "Print one JSON document instead (documented in the README): the answer,"
            + " or with --repeat the summary.")
    private boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (listApis) {
            Fixtures.all().forEach(f -> System.out.printf(Locale.ROOT, "%-42s %-42s %-5s format=%s%n",
                    f.api(), f.gatewayMethod(), f.kind().wireName(), f.format()));
            return 0;
        }
        SignMethod sm = checkUsage();
        Supplier<GatewayRequest.Builder> calls = api != null ? fixtureCalls() : methodCalls();
        Supplier<GatewayRequest> requests = () -> {
            GatewayRequest.Builder b = caller.signAs(calls.get(), sm);
            if (format != null) {
                b.format(format);
            }
            if (timestamp != null) {
                b.timestampText(timestamp);
            }
            params.forEach(b::param);
            return b.build();
        };
        GatewayClient client = caller.client(url);
        if (repeat > 1) {
            BurstSummary summary = Burst.run(client, requests, repeat, concurrency);
            if (json) {
                Json.print(summaryJson(summary));
            } else {
                System.out.print(summary.report(concurrency));
            }
            if (summary.succeeded() == summary.sent()) {
                return 0;
            }
            return summary.errors() == summary.sent() ? 3 : 1;
        }
        GatewayRequest first = requests.get();
        if (verbose) {
            System.err.println(first.httpMethod() + " " + url + "?" + first.query());
            first.headers().forEach((k, v) -> System.err.println(k + ": " + v));
            System.err.println();
        }
        GatewayResponse response;
        try {
            response = client.send(first);
        } catch (IOException e) {
            System.err.println("no answer from " + url + ": " + e);
            if (json) {
                Json.print(Json.object().put("url", url.toString()).put("answered", false).put("error", e.toString()));
            }
            return 3;
        }
        boolean success = response.status() == 200 && response.isSuccess();
        if (json) {
            Json.print(Json.object().put("url", url.toString()).put("answered", true).put("httpStatus", response.status())
                    .put("contentType", response.contentType()).put("flag", response.flag()).put("code", response.code())
                    .put("message", response.message()).put("success", success).put("body", response.text()));
        } else {
            System.out.println("HTTP " + response.status() + " " + (response.contentType() == null ? "" : response.contentType()));
            System.out.println(response.text());
        }
        return success ? 0 : 1;
    }

    private ObjectNode summaryJson(BurstSummary s) {
        ObjectNode o = Json.object().put("url", url.toString()).put("sent", s.sent()).put("succeeded", s.succeeded())
                .put("errors", s.errors()).put("concurrency", concurrency)
                .put("elapsedSeconds", s.elapsed().toNanos() / 1e9).put("callsPerSecond", s.callsPerSecond());
        ObjectNode outcomes = o.putObject("byOutcome");
        s.byOutcome().forEach(outcomes::put);
        o.putObject("latencyMs").put("p50", s.percentile(50).toNanos() / 1e6).put("p99", s.percentile(99).toNanos() / 1e6)
                .put("max", s.percentile(100).toNanos() / 1e6);
        return o;
    }

    private SignMethod checkUsage() {
        if (url == null) {
            throw usage("Missing required parameter: 'URL'");
        }
        SignMethod sm = caller.check(spec);
        if ((method == null) == (api == null)) {
            throw usage("Give either --method (with --body, if any) or --api (a bundled fixture)");
        }
        if (api != null && (body != null || contentType != null || !formFields.isEmpty())) {
            throw usage("--api sends the fixture's body: --body, --content-type and --form-field go with --method");
        }
        if (as != null && api == null) {
            throw usage("--as goes with --api");
        }
        if (repeat < 1 || concurrency < 1) {
            throw usage("--repeat and --concurrency must be at least 1");
        }
        return sm;
    }

    private Supplier<GatewayRequest.Builder> fixtureCalls() {
        Fixture fixture = Fixtures.find(api).orElseThrow(() -> usage("no bundled fixture for " + api + " (see --list-apis)"));
        Fixture.Kind kind;
        try {
            kind = as == null ? fixture.kind() : Fixture.Kind.of(as);
            fixture.call(kind, charset); // refuses a kind the fixture cannot be sent as
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return () -> fixture.call(kind, charset);
    }

    private Supplier<GatewayRequest.Builder> methodCalls() {
        byte[] bytes = body == null ? null : KeyValues.read(body);
        String type = bytes == null ? null
                : contentType != null ? contentType : KeyValues.sniffMime(bytes) + ";charset=" + charset.name().toLowerCase();
        return () -> {
            GatewayRequest.Builder b = GatewayRequest.builder(method).charset(charset);
            formFields.forEach(b::formField);
            if (bytes != null) {
                b.rawBody(bytes, type);
            }
            return b;
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
