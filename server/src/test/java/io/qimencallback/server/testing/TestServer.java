package io.qimencallback.server.testing;

import io.qimencallback.server.target.TargetType;
import io.qimencallback.server.target.Targets;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.admin.AdminRoutes;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.function.UnaryOperator;

/**
 * A real server on free loopback ports and a fake gateway in front of it:
 * {@code try (TestServer s = TestServer.start(c -> c, handler)) { s.send(s.call("deliveryorder.create")...) }}.
 */
public final class TestServer implements AutoCloseable {
    public static final String APP_KEY = "12345678";
    public static final String SECRET = Samples.SECRET;

    private final QimenServer server;
    private final Path dataDir;
    private final GatewayClient gateway;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServer(QimenServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.gateway = new GatewayClient(serviceUrl());
    }

    public static TestServer start(UnaryOperator<ServerConfig.Builder> config, QimenHandler... handlers) {
        return start(config, List.of(), handlers);
    }

    /** With further routes on the admin port. */
    public static TestServer start(UnaryOperator<ServerConfig.Builder> config, List<AdminRoutes> adminRoutes,
                                   QimenHandler... handlers) {
        HandlerRegistry.Builder registry = HandlerRegistry.builder();
        for (QimenHandler h : handlers) {
            registry.add(h);
        }
        return start(config, registry.build(), adminRoutes);
    }

    public static TestServer start(UnaryOperator<ServerConfig.Builder> config, HandlerRegistry handlers) {
        return start(config, handlers, List.of());
    }

    /** The inbox (on by default) keeps its SQLite file in a fresh directory, deleted on close, unless configured. */
    public static TestServer start(UnaryOperator<ServerConfig.Builder> config, HandlerRegistry handlers,
                                   List<AdminRoutes> adminRoutes) {
        return start(config, handlers, adminRoutes, Targets.TYPES);
    }

    /** With these kinds of target (test ones, say) for the {@code targets:} sections. */
    public static TestServer start(UnaryOperator<ServerConfig.Builder> config, HandlerRegistry handlers,
                                   List<AdminRoutes> adminRoutes, List<TargetType> targetTypes) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("qimen-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig.Builder b = ServerConfig.builder()
                .port(0).adminPort(0).bind("127.0.0.1")
                .apps(AppSecrets.parse(APP_KEY + ":" + SECRET))
                .dataDir(dataDir);
        try {
            return new TestServer(QimenServer.start(config.apply(b).build(), handlers, adminRoutes, targetTypes),
                    dataDir);
        } catch (RuntimeException e) {
            deleteTree(dataDir);
            throw e;
        }
    }

    public static TestServer start(QimenHandler... handlers) {
        return start(c -> c, handlers);
    }

    public QimenServer server() {
        return server;
    }

    public URI serviceUrl() {
        return URI.create((server.config().tls() ? "https" : "http") + "://127.0.0.1:" + server.port()
                + server.config().path());
    }

    /** A call signed with the test app key and secret; adjust it, then {@link #send} it. */
    public GatewayRequest.Builder call(String method) {
        return GatewayRequest.builder(method).appKey(APP_KEY).secret(SECRET);
    }

    public GatewayResponse send(GatewayRequest.Builder call) {
        try {
            return gateway.send(call.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request exactly as given: path and query, headers, body. */
    public HttpResponse<String> raw(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return send(b.build());
    }

    /** GET on the admin port. */
    public HttpResponse<String> admin(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POST with a JSON body on the admin port. */
    public HttpResponse<String> adminPost(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Override
    public void close() {
        server.stop();
        deleteTree(dataDir);
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }
}
