package io.qimencallback.server.target.polyglot;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the example ERP endpoints ({@code examples/forward-python/erp.py}, {@code examples/forward-node/erp.js}) run
 * as a child process, as a user runs it; its standard output and error go to files that failures quote.
 */
final class ErpExample implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    /** The two examples, each with the interpreter every machine of this kind has. */
    enum Language {
        PYTHON("python3", "../examples/forward-python/erp.py"),
        NODE("node", "../examples/forward-node/erp.js");

        final String interpreter;
        final Path script;

        Language(String interpreter, String script) {
            this.interpreter = interpreter;
            this.script = Path.of(script);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Language language;
    private final Process process;
    private final Path out;
    private final Path err;
    private final URI url;

    private ErpExample(Language language, Process process, Path out, Path err, URI url) {
        this.language = language;
        this.process = process;
        this.out = out;
        this.err = err;
        this.url = url;
    }

    /** Starts the example with {@code env} (ERP_SECRET..., ERP_PORT: 0 when absent) and waits until it listens. */
    static ErpExample start(Language language, Path dir, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, language.name().toLowerCase() + "-", ".out");
        Path err = Files.createTempFile(dir, language.name().toLowerCase() + "-", ".err");
        ProcessBuilder pb = new ProcessBuilder(language.interpreter, language.script.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("ERP_"));
        pb.environment().put("ERP_PORT", "0");
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new AssertionError(language.interpreter + " could not be started (" + e.getMessage() + "): the "
                    + language.script + " example needs it on the PATH", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(out));
            if (m.find()) {
                return new ErpExample(language, process, out, err, URI.create(m.group(1)));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new AssertionError(language + " example did not start (exit "
                + (process.isAlive() ? "-" : process.exitValue()) + "):\n" + Files.readString(out)
                + Files.readString(err));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Language language() {
        return language;
    }

    /** Where the server posts: {@code http://127.0.0.1:PORT/qimen}. */
    URI url() {
        return url;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** POSTs {@code body} with {@code headers} (the webhook headers, usually). */
    HttpResponse<String> post(byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** What it printed, for failure messages. */
    String log() {
        try {
            return "--- " + language + " stdout:\n" + Files.readString(out) + "--- stderr:\n" + Files.readString(err);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
