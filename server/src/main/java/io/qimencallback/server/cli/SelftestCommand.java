package io.qimencallback.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.Fixture;
import io.qimencallback.server.client.Fixtures;
import io.qimencallback.server.selftest.SelfTest;
import io.qimencallback.server.selftest.Verdict;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Checks a service address before the gateway is pointed at it: answers correct calls, refuses forged ones. */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Check a service address with the bundled fixtures: for each API, a correctly signed call must get"
                + " a well-formed flag/code/message answer in the requested format, and a wrong sign, a stale timestamp,"
                + " a body changed after signing and a missing sign must each be refused (HTTP 200, flag=failure, a code)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed (warnings allowed)", "1:a check failed", "2:bad usage",
                "3:the service could not be reached"})
public final class SelftestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "The service address, e.g. http://127.0.0.1:8080/qimen")
    private URI url;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CallerOptions caller;

    @Option(names = "--api", paramLabel = "NAME", description = "An API to check (repeatable; default: every bundled"
            + " fixture, see send --list-apis).")
    private List<String> apis = new ArrayList<>();

    @Option(names = "--format", description = "xml or json (default: each API's usual format).")
    private String format;

    @Option(names = "--json", description = "Print one JSON document instead (documented in the README): every"
            + " verdict and the totals.")
    private boolean json;

    @Override
    public Integer call() throws InterruptedException {
        SignMethod sm = caller.check(spec);
        if (format != null && !format.equals("xml") && !format.equals("json")) {
            throw usage("--format is xml or json");
        }
        List<Fixture> fixtures = apis.isEmpty() ? Fixtures.all() : apis.stream()
                .map(a -> Fixtures.find(a).orElseThrow(() -> usage("no bundled fixture for " + a + " (see send --list-apis)")))
                .toList();
        SelfTest.Report report = new SelfTest(caller.client(url),
                new SelfTest.Caller(caller.appKey(), caller.secret(), sm, caller.customerId(), format)).run(fixtures);
        if (report.unreachable().isPresent()) {
            System.err.println("no answer from " + url + ": " + report.unreachable().get());
            if (json) {
                Json.print(Json.object().put("url", url.toString()).put("reachable", false)
                        .put("error", report.unreachable().get()));
            }
            return 3;
        }
        if (json) {
            printJson(report);
        } else {
            print(report);
        }
        return report.passed() ? 0 : 1;
    }

    private void print(SelfTest.Report report) {
        int apiWidth = report.verdicts().stream().mapToInt(v -> v.api().length()).max().orElse(3);
        String row = "%-" + apiWidth + "s  %-26s  %-6s  %s%n";
        System.out.printf(Locale.ROOT, row, "API", "check", "result", "why");
        report.verdicts().forEach(v -> System.out.printf(Locale.ROOT, row, v.api(), v.check().label(), v.result(), v.why()));
        long failed = count(report, Verdict.Result.FAIL);
        long warned = count(report, Verdict.Result.WARN);
        System.out.println();
        report.verdicts().stream().filter(Verdict::alarm).map(Verdict::why).distinct()
                .forEach(alarm -> System.out.println("!!! " + alarm));
        List<String> noRoute = noRoute(report);
        if (!noRoute.isEmpty()) {
            System.out.println("note: signatures checked fine, but " + noRoute.size() + " API(s) are answered"
                    + " invalid-method, as nothing answers them on this service: " + String.join(", ", noRoute)
                    + ". A query needs a handler or a routes line (e.g. '" + noRoute.get(0) + ": forward erp') to be"
                    + " answered with data; see the README's routes section.");
        }
        System.out.printf(Locale.ROOT, "%s: %d checks, %d failed, %d warnings (%s, sign_method=%s)%n",
                failed == 0 ? "PASSED" : "FAILED", report.verdicts().size(), failed, warned, url, caller.signMethodName());
    }

    private void printJson(SelfTest.Report report) {
        ObjectNode o = Json.object().put("url", url.toString()).put("reachable", true).put("signMethod", caller.signMethodName())
                .put("passed", report.passed()).put("checks", report.verdicts().size())
                .put("failed", count(report, Verdict.Result.FAIL)).put("warnings", count(report, Verdict.Result.WARN));
        ArrayNode verdicts = o.putArray("verdicts");
        report.verdicts().forEach(v -> verdicts.addObject().put("api", v.api()).put("check", v.check().label())
                .put("result", v.result().name()).put("why", v.why()).put("alarm", v.alarm()));
        ArrayNode none = o.putArray("noRoute");
        noRoute(report).forEach(none::add);
        Json.print(o);
    }

    /** The APIs whose signed call was accepted and answered invalid-method. */
    private static List<String> noRoute(SelfTest.Report report) {
        return report.verdicts().stream().filter(Verdict::noRoute).map(Verdict::api).distinct().toList();
    }

    private static long count(SelfTest.Report report, Verdict.Result result) {
        return report.verdicts().stream().filter(v -> v.result() == result).count();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
