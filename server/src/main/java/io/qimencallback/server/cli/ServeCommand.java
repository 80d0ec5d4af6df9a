package io.qimencallback.server.cli;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.QimenServer;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.config.Setting;
import io.qimencallback.server.plugin.HandlerStartException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** Runs the server until SIGTERM or SIGINT, then drains and exits 0; SIGHUP re-reads the secrets file. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server (the default).")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("qimen.server");

    @Option(names = "--config", paramLabel = "FILE", description = "YAML settings file (environment variables override it).")
    private Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Public port the gateway calls (0 = any free port);"
            + " overrides QIMEN_PORT and port in the settings file.")
    private Integer port;

    @Option(names = "--admin-port", paramLabel = "PORT", description = "Admin port (console, /metrics, /health/ready;"
            + " 0 = any free port); overrides QIMEN_ADMIN_PORT and admin_port in the settings file.")
    private Integer adminPort;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> overrides = new HashMap<>();
        put(overrides, Setting.PORT, "--port", port);
        put(overrides, Setting.ADMIN_PORT, "--admin-port", adminPort);
        return serve(config, overrides);
    }

    private void put(Map<String, String> overrides, Setting setting, String option, Integer value) {
        if (value == null) {
            return;
        }
        if (value < 0 || value > 65535) {
            throw new ParameterException(spec.commandLine(), option + ": not a port (0 to 65535): " + value);
        }
        overrides.put(setting.env(), Integer.toString(value));
    }

    public static int serve(Path configFile) {
        return serve(configFile, Map.of());
    }

    /** @param overrides environment variables that win over the real environment (and so over the file) */
    static int serve(Path configFile, Map<String, String> overrides) {
        ServerConfig config;
        HandlerRegistry handlers;
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(overrides);
            config = ConfigLoader.load(configFile, env);
            handlers = HandlerRegistry.builder().discover(ServeCommand.class.getClassLoader(), config.pluginsDir()).build();
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (IllegalStateException | UncheckedIOException e) {
            System.err.println("handler error: " + e.getMessage());
            return 2;
        }
        // signals are taken over before the server reports ready, so that no SIGTERM can arrive in between and end
        // the JVM without a drain
        AtomicReference<QimenServer> running = new AtomicReference<>();
        CountDownLatch startDecided = new CountDownLatch(1);
        Runnable drain = () -> new Thread(() -> {
            awaitQuietly(startDecided); // a signal during start waits for the server, then drains it
            QimenServer s = running.get();
            if (s != null) {
                s.stop();
            }
            System.exit(0);
        }, "qimen-shutdown").start();
        Signal.handle(new Signal("TERM"), sig -> drain.run());
        Signal.handle(new Signal("INT"), sig -> drain.run());
        // SIGHUP re-reads the secrets file (rotation without a restart) instead of ending the JVM. Windows has no
        // SIGHUP (new Signal("HUP") throws there): the file is watched instead, once the server runs.
        Runnable reload = () -> {
            QimenServer s = running.get();
            if (s != null) {
                s.reloadSecrets();
            }
        };
        boolean hup = handleHup(reload);
        QimenServer server;
        try {
            server = QimenServer.start(config, handlers);
            running.set(server);
        } catch (HandlerStartException e) {
            // a handler's own configuration, most often: as a configuration error
            System.err.println("handler error: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            System.err.println("cannot start: " + e.getMessage());
            return 1;
        } finally {
            startDecided.countDown();
        }
        announce(server, handlers, hup);
        FileChangeWatch watch = !hup && config.appsFile() != null
                ? FileChangeWatch.start(config.appsFile(), WATCH_INTERVAL, reload) : null;
        server.awaitStopped();
        if (watch != null) {
            watch.close();
        }
        return 0;
    }

    private static final java.time.Duration WATCH_INTERVAL = java.time.Duration.ofSeconds(5);

    /** Whether SIGHUP exists here and now re-reads the secrets (false on Windows). */
    static boolean handleHup(Runnable reload) {
        try {
            Signal.handle(new Signal("HUP"), sig -> reload.run());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void announce(QimenServer server, HandlerRegistry handlers, boolean hup) {
        ServerConfig c = server.config();
        if (c.demo()) {
            log.warn("************************************************************************************");
            log.warn("DEMO CREDENTIALS: no secret configured ({}, {} unset). Any app_key is accepted with the",
                    Setting.APPS.env(), Setting.APPS_FILE.env());
            log.warn("published demo secret '{}'. Served on loopback only. Not for production.", ServerConfig.DEMO_SECRET);
            log.warn("************************************************************************************");
        }
        log.info("service address: {}://{}:{}{}", c.tls() ? "https" : "http", c.bind(), server.port(), c.path());
        if (c.appsFile() != null && hup) {
            log.info("secrets: {} app key(s), {} secret(s); {} is re-read on SIGHUP (kill -HUP {})",
                    c.apps().appKeys().size(), c.apps().secretCount(), c.appsFile(), ProcessHandle.current().pid());
        } else if (c.appsFile() != null) {
            log.info("secrets: {} app key(s), {} secret(s); no SIGHUP here: {} is re-read when it changes (checked every {} s)",
                    c.apps().appKeys().size(), c.apps().secretCount(), c.appsFile(), WATCH_INTERVAL.toSeconds());
        }
        log.info("admin: http://{}:{}/ (debug console) /metrics /health/live /health/ready{}", c.adminBind(),
                server.adminPort(), c.signatureDiagnostics() ? "; signature diagnostics on" : "");
        log.info("settings: {}", c);
        if (handlers.methods().isEmpty() && handlers.inboxMethods().isEmpty()) {
            log.info("no handler installed: {}; other methods, queries among them, are answered invalid-method unless"
                    + " a routes line forwards them (handler plugins: {}; routes: the README)", c.inbox().enabled()
                    ? "pushes (inbox_methods) are stored in the inbox" : "the inbox is off", Setting.PLUGINS_DIR.env());
        }
        handlers.registrations().forEach((method, r) -> log.info("handler: {} -> {}", method, r.source()));
        handlers.inboxRegistrations().forEach((method, r) -> log.info("inbox handler: {} -> {}", method, r.source()));
    }
}
