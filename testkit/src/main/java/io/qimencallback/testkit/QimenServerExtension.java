package io.qimencallback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.inbox.Inbox;
import io.qimencallback.server.inbox.InboxJson;
import io.qimencallback.server.inbox.InboxQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link QimenServer} for a test class, on free loopback ports, with a temporary data directory and a freshly
 * generated app key and secret, and a {@link Gateway} in front of it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final QimenServerExtension server = QimenServerExtension.builder()
 *         .handler(new WmsHandler())
 *         .plugin("wms", Map.of("id_prefix", "T"))
 *         .build();
 *
 * @Test
 * void createsTheOrder() {
 *     QimenAnswer a = server.gateway().call("deliveryorder.create").fixture().customerId("C1").send();
 *     assertThat(a.isSuccess()).isTrue();
 * }
 * }</pre>
 *
 * <p>On a {@code static} field the server runs for the whole class (started before the first test, stopped after the
 * last); on an instance field, for each test. Outside JUnit, {@link #start()} and {@link #close()} do the same.
 */
public final class QimenServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<QimenHandler> handlers;
    private final List<InboxHandler> inboxHandlers;
    private final Consumer<ServerConfig.Builder> config;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private QimenServer server;
    private Path dataDir;
    private Gateway gateway;
    private int classLevels; // nested test classes see the outer class's static extension too
    private boolean perTest;

    private QimenServerExtension(Builder b) {
        this.handlers = List.copyOf(b.handlers);
        this.inboxHandlers = List.copyOf(b.inboxHandlers);
        this.config = b.config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server (the extension does it by itself under JUnit).
     *
     * @throws IllegalStateException when it runs already, or cannot start (the message says why: a port, a plugin's
     *                               {@code start}, the routes table)
     */
    public synchronized QimenServerExtension start() {
        if (server != null) {
            throw new IllegalStateException("the test server runs already");
        }
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
            QimenServer s = QimenServer.start(b.build(), registry.build());
            this.server = s;
            this.dataDir = dir;
            this.gateway = new Gateway(publicUrl(), appKey, secret);
            return this;
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Stops the server (draining calls in flight) and deletes its data directory; nothing when not running. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } finally {
            deleteTree(dataDir);
            server = null;
            gateway = null;
            dataDir = null;
        }
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (classLevels++ == 0 && server == null) {
            start();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (--classLevels == 0) {
            close();
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (server == null) {
            start();
            perTest = true;
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (perTest) {
            perTest = false;
            close();
        }
    }

    /** The fake gateway: signs with this server's app key and secret. */
    public synchronized Gateway gateway() {
        running();
        return gateway;
    }

    /** The service address, e.g. {@code http://127.0.0.1:41234/qimen} (what the Qimen console is given). */
    public synchronized URI publicUrl() {
        QimenServer s = running();
        return URI.create("http://127.0.0.1:" + s.port() + s.config().path());
    }

    /** The admin port's base address, e.g. {@code http://127.0.0.1:41235} (health, metrics, console, inbox API). */
    public synchronized URI adminUrl() {
        return URI.create("http://127.0.0.1:" + running().adminPort());
    }

    /** The Prometheus text of {@code /metrics}, fetched over HTTP from the admin port. */
    public String metrics() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(adminUrl().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered HTTP " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The calls stored in the inbox, newest first. A call answered {@code success} by the inbox is in it: the
     * answer is given after the commit.
     *
     * @throws IllegalStateException when the inbox is off
     */
    public List<StoredCall> inbox() {
        Inbox inbox = running().inbox().orElseThrow(() -> new IllegalStateException(
                "the inbox is off: build the extension with inbox(true)"));
        List<StoredCall> calls = new ArrayList<>();
        try {
            inbox.store().forEach(InboxQuery.all(), e -> calls.add(stored(InboxJson.detail(e, true))));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the inbox: " + e.getMessage(), e);
        }
        return calls;
    }

    // the admin API's shape of an entry, so that the kit shows what an operator sees
    private static StoredCall stored(ObjectNode e) {
        Map<String, String> params = new LinkedHashMap<>();
        e.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
        return new StoredCall(e.path("id").asLong(), e.path("method").asText(), e.path("rawMethod").asText(),
                text(e, "appKey"), text(e, "customerId"), text(e, "businessKey"), e.path("status").asText(),
                e.path("attempts").asInt(), params, e.path("body").asText());
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    /** The running server itself, for what the kit does not cover (its config, its recent calls). */
    public synchronized QimenServer server() {
        return running();
    }

    /** The server's temporary data directory (the SQLite inbox lives there), deleted when it stops. */
    public synchronized Path dataDir() {
        running();
        return dataDir;
    }

    private QimenServer running() {
        if (server == null) {
            throw new IllegalStateException("the test server is not running: register the extension with"
                    + " @RegisterExtension, or call start()");
        }
        return server;
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

    /** What the server runs: handlers, settings, routes. Everything else is the server's defaults. */
    public static final class Builder {
        private final List<QimenHandler> handlers = new ArrayList<>();
        private final List<InboxHandler> inboxHandlers = new ArrayList<>();
        private Consumer<ServerConfig.Builder> config = b -> b.inboxEnabled(true);

        private Builder() {
        }

        /** A handler, registered as the server registers one found in a plugin jar. */
        public Builder handler(QimenHandler handler) {
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** An inbox consumer: its methods are stored, answered {@code success}, then delivered to it. */
        public Builder inboxHandler(InboxHandler handler) {
            inboxHandlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * A plugin's settings section ({@code plugins: <name>: ...} in the YAML), given to the handlers named
         * {@code name} in {@code start(context)}.
         */
        public Builder plugin(String name, Map<String, String> settings) {
            Objects.requireNonNull(name, "name");
            Map<String, String> copy = Map.copyOf(settings);
            return configure(b -> b.plugin(name, copy));
        }

        /** A line of the {@code routes:} table: {@code route("inventory.query", "forward erp")}. */
        public Builder route(String glob, String action) {
            Objects.requireNonNull(glob, "glob");
            Objects.requireNonNull(action, "action");
            return configure(b -> b.route(glob, action));
        }

        /** A {@code targets:} section: {@code target("erp", Map.of("type", "http", "url", url))}. */
        public Builder target(String name, Map<String, String> settings) {
            Objects.requireNonNull(name, "name");
            Map<String, String> copy = Map.copyOf(settings);
            return configure(b -> b.target(name, copy));
        }

        /** Whether calls no handler answers are stored in the inbox (on by default, as in production). */
        public Builder inbox(boolean on) {
            return configure(b -> b.inboxEnabled(on));
        }

        /**
         * The environment plugin and target sections are overridden from ({@code QIMEN_PLUGINS_<NAME>_<KEY>}); by
         * default none (the real environment is not read, so a test does not depend on its machine).
         */
        public Builder environment(Map<String, String> env) {
            Map<String, String> copy = Map.copyOf(env);
            return configure(b -> b.environment(copy));
        }

        /** Any other setting, on the server's own configuration builder; applied after those above, in order. */
        public Builder configure(Consumer<ServerConfig.Builder> change) {
            Objects.requireNonNull(change, "change");
            this.config = config.andThen(change);
            return this;
        }

        public QimenServerExtension build() {
            return new QimenServerExtension(this);
        }
    }
}
