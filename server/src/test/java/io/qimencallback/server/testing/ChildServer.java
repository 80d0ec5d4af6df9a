package io.qimencallback.server.testing;

import io.qimencallback.server.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real command line ({@code serve}) in a child JVM on free loopback ports, for what only a process can show:
 * signals. Its output goes to a log file that failures quote.
 */
public final class ChildServer implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Process process;
    private final Path log;
    private final int port;
    private final int adminPort;

    private ChildServer(Process process, Path log, int port, int adminPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * Starts the server with {@code env} added to QIMEN_PORT, QIMEN_ADMIN_PORT, QIMEN_BIND and QIMEN_DATA_DIR (the
     * inbox in {@code dir}); waits until ready.
     */
    public static ChildServer start(Path dir, Map<String, String> env) throws Exception {
        return start(dir, env, java.util.List.of());
    }

    /** As {@link #start(Path, Map)}, with options for the child JVM (a small heap, say). */
    public static ChildServer start(Path dir, Map<String, String> env, java.util.List<String> jvmOptions)
            throws Exception {
        return start(dir, env, jvmOptions, Main.class);
    }

    /** As {@link #start(Path, Map, java.util.List)}, running another main class (one that adds test targets, say). */
    public static ChildServer start(Path dir, Map<String, String> env, java.util.List<String> jvmOptions,
                                    Class<?> mainClass) throws Exception {
        int port = freePort();
        int admin = freePort();
        Path log = dir.resolve("server.log");
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // no -D: the child logs with the production configuration (the test JVM's quiet levels are
        // system properties of its own), and its log is part of what is tested
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("QIMEN_PORT", Integer.toString(port));
        pb.environment().put("QIMEN_ADMIN_PORT", Integer.toString(admin));
        pb.environment().put("QIMEN_BIND", "127.0.0.1");
        pb.environment().put("QIMEN_DATA_DIR", dir.resolve("data").toString());
        pb.environment().putAll(env);
        ChildServer child = new ChildServer(pb.start(), log, port, admin);
        try {
            child.awaitStatus("/health/ready", 200);
        } catch (Exception | AssertionError e) {
            child.close();
            throw e;
        }
        return child;
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public int adminPort() {
        return adminPort;
    }

    public URI serviceUrl() {
        return URI.create("http://127.0.0.1:" + port + "/qimen");
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends a signal by name (HUP, TERM) with kill(1). */
    public void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /** Waits until the log holds {@code text} {@code times} times. */
    public void awaitLog(String text, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (log().split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the log never showed '" + text + "' " + times + " time(s):\n" + log());
    }

    public void awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (admin(path).statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() && status != 503) {
                throw new AssertionError("server exited early:\n" + log());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " never answered " + status + ":\n" + log());
    }

    public void awaitMetric(String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (admin("/metrics").body().contains(line)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("metrics never showed " + line + ":\n" + log());
    }

    private HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
