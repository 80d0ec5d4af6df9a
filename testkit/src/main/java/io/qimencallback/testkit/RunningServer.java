package io.qimencallback.testkit;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One run of a test server: on loopback and free ports, with a fresh app key and secret and its own temporary data
 * directory, which {@link #stop()} deletes. The server's classes stay in here, behind the kit's public types.
 */
final class RunningServer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final QimenServer server;
    private final Path dataDir;
    private final Gateway gateway;
    private final AdminHttp admin;

    private RunningServer(QimenServer server, Path dataDir, String appKey, String secret) {
        this.server = server;
        this.dataDir = dataDir;
        this.gateway = new Gateway(publicUrl(), appKey, secret);
        this.admin = new AdminHttp(adminUrl());
    }

    /** @throws RuntimeException as {@link QimenServer#start} does, the data directory deleted again */
    static RunningServer start(List<QimenHandler> handlers, List<InboxHandler> inboxHandlers,
                               Consumer<ServerConfig.Builder> config) {
        String appKey = digits(8);
        String secret = HexFormat.of().formatHex(randomBytes(16)); // 32 characters: never a demo secret
        Path dir;
        try {
            dir = Files.createTempDirectory("qimen-testkit-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test server's data directory", e);
        }
        try {
            ServerConfig.Builder b = ServerConfig.builder()
                    .port(0).adminPort(0).bind("127.0.0.1").adminBind("127.0.0.1")
                    .apps(AppSecrets.parse(appKey + ":" + secret))
                    .dataDir(dir);
            config.accept(b);
            HandlerRegistry.Builder registry = HandlerRegistry.builder();
            handlers.forEach(registry::add);
            inboxHandlers.forEach(registry::add);
            return new RunningServer(QimenServer.start(b.build(), registry.build()), dir, appKey, secret);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Stops the server (draining calls in flight) and deletes the data directory. */
    void stop() {
        try {
            server.stop();
        } finally {
            deleteTree(dataDir);
        }
    }

    Gateway gateway() {
        return gateway;
    }

    AdminHttp admin() {
        return admin;
    }

    Path dataDir() {
        return dataDir;
    }

    URI publicUrl() {
        return URI.create("http://127.0.0.1:" + server.port() + server.config().path());
    }

    URI adminUrl() {
        return URI.create("http://127.0.0.1:" + server.adminPort());
    }

    /** Empty when the inbox is off. */
    Optional<InboxView> inbox() {
        return server.inbox().map(InboxView::new);
    }

    private static String digits(int n) {
        StringBuilder s = new StringBuilder(n);
        s.append(1 + RANDOM.nextInt(9));
        while (s.length() < n) {
            s.append(RANDOM.nextInt(10));
        }
        return s.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }
}
