package io.qimencallback.testkit;

import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.config.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Qimen server for a test class, on free loopback ports, with a temporary data directory and a freshly
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
 * last); on an instance field, for each test. Outside JUnit, {@link #start()} and {@link #close()} do the same. What
 * a test sees of the server is what the gateway and an operator see: answers, the inbox, the admin port.
 */
public final class QimenServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {
    private final List<QimenHandler> handlers;
    private final List<InboxHandler> inboxHandlers;
    private final Consumer<ServerConfig.Builder> config;

    private RunningServer running;
    private int classLevels; // nested test classes see the outer class's static extension too
    private boolean perTest;

    private QimenServerExtension(Builder b) {
        this.handlers = List.copyOf(b.handlers);
        this.inboxHandlers = List.copyOf(b.inboxHandlers);
        this.config = b.config;
    }

    /**
     * A builder of a server with no handlers, the inbox on, and the server's defaults for everything else.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server (the extension does it by itself under JUnit).
     *
     * @return this extension, running
     * @throws IllegalStateException when it runs already, or cannot start (the message says why: a port, a plugin's
     *                               {@code start}, the routes table)
     */
    public synchronized QimenServerExtension start() {
        if (running != null) {
            throw new IllegalStateException("the test server runs already");
        }
        running = RunningServer.start(handlers, inboxHandlers, config);
        return this;
    }

    /** Stops the server (draining calls in flight) and deletes its data directory; nothing when not running. */
    @Override
    public synchronized void close() {
        if (running != null) {
            RunningServer r = running;
            running = null;
            r.stop();
        }
    }

    /**
     * Starts the server before the first test of the class (a {@code static} field).
     *
     * @param context JUnit's
     */
    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (classLevels++ == 0 && running == null) {
            start();
        }
    }

    /**
     * Stops the server after the last test of the class.
     *
     * @param context JUnit's
     */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (--classLevels == 0) {
            close();
        }
    }

    /**
     * Starts the server before a test, when it does not run for the class (an instance field).
     *
     * @param context JUnit's
     */
    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (running == null) {
            start();
            perTest = true;
        }
    }

    /**
     * Stops a server {@link #beforeEach} started.
     *
     * @param context JUnit's
     */
    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (perTest) {
            perTest = false;
            close();
        }
    }

    /**
     * The fake gateway: signs with this server's app key and secret.
     *
     * @return the gateway
     */
    public synchronized Gateway gateway() {
        return running().gateway();
    }

    /**
     * The service address (what the Qimen console is given).
     *
     * @return e.g. {@code http://127.0.0.1:41234/qimen}
     */
    public synchronized URI publicUrl() {
        return running().publicUrl();
    }

    /**
     * The admin port's base address (health, metrics, console, inbox API).
     *
     * @return e.g. {@code http://127.0.0.1:41235}
     */
    public synchronized URI adminUrl() {
        return running().adminUrl();
    }

    /**
     * The Prometheus text of {@code /metrics}, fetched over HTTP from the admin port.
     *
     * @return the text
     */
    public String metrics() {
        AdminHttp http;
        synchronized (this) {
            http = running().admin();
        }
        return http.get("/metrics"); // not under the lock: a slow scrape must not hold up close()
    }

    /**
     * The calls stored in the inbox, newest first. A call answered {@code success} by the inbox is in it: the
     * answer is given after the commit.
     *
     * @return the stored calls
     * @throws IllegalStateException when the inbox is off
     */
    public List<StoredCall> inbox() {
        InboxView view;
        synchronized (this) {
            view = running().inbox().orElseThrow(() -> new IllegalStateException(
                    "the inbox is off: build the extension with inbox(true)"));
        }
        return view.calls();
    }

    /**
     * The server's temporary data directory (the SQLite inbox lives there), deleted when it stops.
     *
     * @return the directory
     */
    public synchronized Path dataDir() {
        return running().dataDir();
    }

    private RunningServer running() {
        if (running == null) {
            throw new IllegalStateException("the test server is not running: register the extension with"
                    + " @RegisterExtension, or call start()");
        }
        return running;
    }

    /** What the server runs: handlers, settings, routes, timeouts. Everything else is the server's defaults. */
    public static final class Builder {
        private final List<QimenHandler> handlers = new ArrayList<>();
        private final List<InboxHandler> inboxHandlers = new ArrayList<>();
        private Consumer<ServerConfig.Builder> config = b -> b.inboxEnabled(true);

        private Builder() {
        }

        /**
         * A handler, registered as the server registers one found in a plugin jar.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder handler(QimenHandler handler) {
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * An inbox consumer: its methods are stored, answered {@code success}, then delivered to it.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder inboxHandler(InboxHandler handler) {
            inboxHandlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * A plugin's settings section ({@code plugins: <name>: ...} in the YAML), given to the handlers named
         * {@code name} in {@code start(context)}.
         *
         * @param name     the section's name, a handler's {@code name()}
         * @param settings its keys and values
         * @return this builder
         */
        public Builder plugin(String name, Map<String, String> settings) {
            Objects.requireNonNull(name, "name");
            Map<String, String> copy = Map.copyOf(settings);
            return configure(b -> b.plugin(name, copy));
        }

        /**
         * A line of the {@code routes:} table: {@code route("inventory.query", "forward erp")}.
         *
         * @param glob   the methods it matches
         * @param action what is done with them, as in the YAML
         * @return this builder
         */
        public Builder route(String glob, String action) {
            Objects.requireNonNull(glob, "glob");
            Objects.requireNonNull(action, "action");
            return configure(b -> b.route(glob, action));
        }

        /**
         * A {@code targets:} section: {@code target("erp", Map.of("type", "http", "url", url))}.
         *
         * @param name     the target's name, as routes name it
         * @param settings its keys and values, as in the YAML
         * @return this builder
         */
        public Builder target(String name, Map<String, String> settings) {
            Objects.requireNonNull(name, "name");
            Map<String, String> copy = Map.copyOf(settings);
            return configure(b -> b.target(name, copy));
        }

        /**
         * Whether calls no handler answers are stored in the inbox ({@code QIMEN_INBOX}; on by default, as in
         * production). Inbox handlers need it on.
         *
         * @param on whether the inbox runs
         * @return this builder
         */
        public Builder inbox(boolean on) {
            return configure(b -> b.inboxEnabled(on));
        }

        /**
         * How long a handler has before the caller is answered {@code handler-timeout} and the worker is interrupted
         * ({@code QIMEN_HANDLER_TIMEOUT_MILLIS}; ten seconds by default).
         *
         * @param timeout more than zero
         * @return this builder
         */
        public Builder handlerTimeout(Duration timeout) {
            Duration d = positive(timeout, "handler timeout");
            return configure(b -> b.handlerTimeout(d));
        }

        /**
         * The part of its deadline a call may take before it is logged as a slow call
         * ({@code QIMEN_SLOW_CALL_FRACTION}; half by default, 0 turns it off).
         *
         * @param fraction 0 to 1
         * @return this builder
         */
        public Builder slowCallFraction(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("the slow-call fraction is between 0 and 1, not " + fraction);
            }
            return configure(b -> b.slowCallFraction(fraction));
        }

        /**
         * How many times the inbox delivers a call to an inbox handler before the entry is {@code dead}
         * ({@code QIMEN_INBOX_MAX_ATTEMPTS}).
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder inboxMaxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("at least one delivery attempt, not " + attempts);
            }
            return configure(b -> b.inboxMaxAttempts(attempts));
        }

        /**
         * The first wait before a failed delivery is tried again (it doubles after each failure;
         * {@code QIMEN_INBOX_RETRY_SECONDS}, 10 s by default): short in a test that retries.
         *
         * @param delay more than zero
         * @return this builder
         */
        public Builder inboxRetryDelay(Duration delay) {
            Duration d = positive(delay, "retry delay");
            return configure(b -> b.inboxRetryDelay(d));
        }

        /**
         * The environment plugin and target sections are overridden from ({@code QIMEN_PLUGINS_<NAME>_<KEY>}); by
         * default none (the real environment is not read, so a test does not depend on its machine).
         *
         * @param env variable names and values
         * @return this builder
         */
        public Builder environment(Map<String, String> env) {
            Map<String, String> copy = Map.copyOf(env);
            return configure(b -> b.environment(copy));
        }

        /**
         * The extension; each start runs a server with this configuration.
         *
         * @return the extension, not running yet
         */
        public QimenServerExtension build() {
            return new QimenServerExtension(this);
        }

        private Builder configure(Consumer<ServerConfig.Builder> change) {
            this.config = config.andThen(change);
            return this;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the " + what + " must be more than zero, not " + d);
            }
            return d;
        }
    }
}
