package io.qimencallback.server.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Polls a readiness URL until it answers 200: for scripts that start a server and then talk to it. */
@Command(name = "wait-ready", mixinStandardHelpOptions = true,
        description = "Wait until a server is ready: poll its admin readiness URL until it answers HTTP 200.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ready", "1:not ready within the timeout", "2:bad usage"})
public final class WaitReadyCommand implements Callable<Integer> {
    private static final Duration MAX_REQUEST = Duration.ofSeconds(2);

    @Parameters(paramLabel = "URL", description = "The readiness URL on the admin port, e.g."
            + " http://127.0.0.1:9090/health/ready")
    private URI url;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up after this long: 30s, 2m, 500ms, or seconds (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "200ms", converter = DurationConverter.class,
            description = "Pause between two polls (default: ${DEFAULT-VALUE}).")
    private Duration interval;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "URL: not an http(s) URL with a host: " + url);
        }
        if (timeout.isZero() || interval.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout and --interval must be more than zero");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(min(MAX_REQUEST, timeout)).build();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = null;
        while (true) {
            long left = deadline - System.nanoTime();
            Duration requestTimeout = min(MAX_REQUEST, Duration.ofNanos(Math.max(left, 1_000_000)));
            try {
                HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    System.out.printf(Locale.ROOT, "ready: %s (after %.1f s)%n", url, (System.nanoTime() - start) / 1e9);
                    return 0;
                }
                last = "HTTP " + status;
            } catch (HttpTimeoutException e) {
                // a poll cut short by the deadline says less than the one before it
                if (last == null || requestTimeout.equals(MAX_REQUEST)) {
                    last = "no answer within " + DurationConverter.format(requestTimeout);
                }
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = "no answer (" + e.getClass().getSimpleName() + ")";
            }
            left = deadline - System.nanoTime();
            if (left <= 0) {
                System.err.println("not ready after " + DurationConverter.format(timeout) + ": " + url + " (last: "
                        + (last == null ? "no answer" : last) + ")");
                return 1;
            }
            Thread.sleep(Math.max(1, Math.min(interval.toMillis(), left / 1_000_000)));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
