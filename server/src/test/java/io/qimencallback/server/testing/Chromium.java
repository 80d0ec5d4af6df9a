package io.qimencallback.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol, with the JDK's WebSocket and Jackson only:
 * {@code try (Chromium c = Chromium.launch(exe)) { Chromium.Page p = c.newPage(); p.navigate(url); ... }}.
 * Closing kills the browser and all its processes and deletes its profile directory, whatever happened before.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Thread cleanupOnExit;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    /** Every event received, in order: {@code method}, {@code params}, {@code sessionId}. */
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private Chromium(Process process, Path profile, WebSocket socket, Thread cleanupOnExit) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        this.cleanupOnExit = cleanupOnExit;
    }

    /** {@code QIMEN_CHROMIUM} when set (and executable), else {@code chromium} or {@code chromium-browser} on the PATH. */
    public static Optional<Path> find() {
        String configured = System.getenv("QIMEN_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.trim());
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    public static Chromium launch(Path executable) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("qimen-chromium-");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless=new",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--no-first-run",
                "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage",
                "--mute-audio", "--disable-breakpad", "--disable-crash-reporter", "--window-size=1280,860",
                "about:blank"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add(1, "--no-sandbox"); // Chromium refuses to run as root with its sandbox (containers, CI)
        }
        Process process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        Thread cleanup = new Thread(() -> kill(process, profile), "chromium-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // a test JVM killed mid-test still ends the browser
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive()) {
                    throw new IOException("Chromium exited with " + process.exitValue() + ": " + log(profile));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Chromium did not open its DevTools port within 30 s: " + log(profile));
                }
                if (Files.exists(portFile)) {
                    lines = Files.readAllLines(portFile);
                }
                if (lines.size() < 2) {
                    Thread.sleep(20);
                }
            }
            URI browser = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
            Listener listener = new Listener();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(browser, listener)
                    .get(10, TimeUnit.SECONDS);
            Chromium c = new Chromium(process, profile, ws, cleanup);
            listener.owner = c;
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            kill(process, profile);
            Runtime.getRuntime().removeShutdownHook(cleanup);
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            kill(process, profile);
            Runtime.getRuntime().removeShutdownHook(cleanup);
            throw new IOException("cannot connect to Chromium's DevTools: " + e, e);
        }
    }

    private static String log(Path profile) {
        try {
            String log = Files.readString(profile.resolve("chromium.log"));
            return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A new tab, attached with its own session; Page, Runtime, Log and Network events enabled. */
    public Page newPage() {
        String target = send(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
        String session = send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .path("sessionId").asText();
        Page page = new Page(session);
        for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
            page.send(domain + ".enable", Map.of());
        }
        return page;
    }

    /** A command to the browser itself (not a tab): {@code Browser.grantPermissions} and the like. */
    public JsonNode sendToBrowser(String method, Map<String, ?> params) {
        return send(null, method, params);
    }

    /** Events received so far, of one session. */
    public List<JsonNode> events(String sessionId) {
        return events.stream().filter(e -> sessionId.equals(e.path("sessionId").asText())).toList();
    }

    JsonNode send(String sessionId, String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (socket) { // one outgoing message at a time
                socket.sendText(msg.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " got no answer within " + COMMAND_TIMEOUT.toSeconds() + " s", e);
        } finally {
            pending.remove(id);
        }
    }

    private void received(String text) {
        try {
            JsonNode msg = JSON.readTree(text);
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
                if (f != null) {
                    f.complete(msg);
                }
            } else if (msg.has("method")) {
                events.add(msg);
            }
        } catch (IOException e) {
            // not JSON: not a DevTools message
        }
    }

    /** One tab. */
    public final class Page {
        private final String session;

        private Page(String session) {
            this.session = session;
        }

        public JsonNode send(String method, Map<String, ?> params) {
            return Chromium.this.send(session, method, params);
        }

        public void navigate(String url) {
            JsonNode r = send("Page.navigate", Map.of("url", url));
            if (r.hasNonNull("errorText")) {
                throw new IllegalStateException("navigation to " + url + " failed: " + r.get("errorText").asText());
            }
        }

        /** The value of a JavaScript expression (JSON-serializable), evaluated in the page. */
        public JsonNode eval(String expression) {
            JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                    "awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        /** Waits until an expression is true; fails with {@code what} after the timeout. */
        public void await(String what, String expression, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String lastError = "";
            while (true) {
                try {
                    // a script error (an element not there yet, a page still loading) means: not yet
                    if (eval("Boolean(" + expression + ")").asBoolean()) {
                        return;
                    }
                } catch (IllegalStateException e) {
                    lastError = "; last error: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                            + lastError);
                }
                Thread.sleep(50);
            }
        }

        public byte[] screenshotPng() {
            String data = send("Page.captureScreenshot", Map.of("format", "png")).path("data").asText();
            return java.util.Base64.getDecoder().decode(data);
        }

        public List<JsonNode> events(Predicate<JsonNode> filter) {
            return Chromium.this.events(session).stream().filter(filter).toList();
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is killed next anyway
        }
        kill(process, profile);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }

    /** Ends the browser and every process it started, then deletes its profile. */
    private static void kill(Process process, Path profile) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // a child still writing: try again
            }
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile Chromium owner;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                Chromium c = owner;
                if (c != null) {
                    c.received(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
