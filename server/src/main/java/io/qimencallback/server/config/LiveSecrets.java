package io.qimencallback.server.config;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing secrets in force, swapped as a whole when the secrets file is re-read (SIGHUP). Each call reads the
 * current set once, so a call never sees half of an old set and half of a new one. A file that fails to load leaves
 * the current set in force. Logs counts and app keys, never a secret.
 */
public final class LiveSecrets implements Supplier<AppSecrets> {
    private static final Logger log = LoggerFactory.getLogger(LiveSecrets.class);

    private final ServerConfig config;
    private final AtomicReference<AppSecrets> current;

    public LiveSecrets(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.current = new AtomicReference<>(config.apps());
    }

    @Override
    public AppSecrets get() {
        return current.get();
    }

    /**
     * Re-reads {@code QIMEN_APPS_FILE} and puts its secrets (plus those of {@code QIMEN_APPS}) in force.
     *
     * @return whether the secrets in force were replaced
     */
    public synchronized boolean reload() {
        if (config.appsFile() == null) {
            log.warn("reload requested, but {} is not set: secrets unchanged", Setting.APPS_FILE.env());
            return false;
        }
        AppSecrets next;
        try {
            next = config.loadApps();
        } catch (ConfigException e) {
            log.error("secrets NOT reloaded, the previous ones stay in force: {}", e.getMessage());
            return false;
        }
        AppSecrets previous = current.getAndSet(next);
        log.info("secrets reloaded from {}: {} app key(s), {} secret(s) (was {} app key(s), {} secret(s));"
                        + " {} secret(s) added, {} removed",
                config.appsFile(), next.appKeys().size(), next.secretCount(), previous.appKeys().size(),
                previous.secretCount(), next.secretsMissingFrom(previous), previous.secretsMissingFrom(next));
        return true;
    }
}
