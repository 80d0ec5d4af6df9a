package io.qimencallback.server.inbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The inbox's settings (see {@link io.qimencallback.server.config.Setting} for their documentation and defaults).
 *
 * @param enabled         whether calls no synchronous handler answers are stored (else {@code invalid-method})
 * @param dataDir         where the SQLite file lives
 * @param url             a PostgreSQL JDBC URL, or empty for SQLite
 * @param poolSize        PostgreSQL connections
 * @param methods         globs of the normalized methods the inbox accepts
 * @param keyFields       method glob → the field holding the business key
 * @param maxAttempts     deliveries before an entry is dead
 * @param retryDelay      the first redelivery's delay; doubles per attempt up to {@link #MAX_RETRY_DELAY}
 * @param retention       done and dead entries older than this are deleted
 * @param deliveryThreads threads that run inbox handlers
 */
public record InboxConfig(boolean enabled, Path dataDir, String url, int poolSize, List<String> methods,
                          Map<String, String> keyFields, int maxAttempts, Duration retryDelay, Duration retention,
                          int deliveryThreads) {
    public static final Duration MAX_RETRY_DELAY = Duration.ofHours(1);

    public InboxConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(url, "url");
        methods = List.copyOf(methods);
        keyFields = Collections.unmodifiableMap(new LinkedHashMap<>(keyFields));
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(retention, "retention");
    }

    public InboxConfig withPoolSize(int connections) {
        return new InboxConfig(enabled, dataDir, url, connections, methods, keyFields, maxAttempts, retryDelay, retention,
                deliveryThreads);
    }

    /** Where the entries are, without credentials. */
    public String where() {
        if (url.isBlank()) {
            return "SQLite " + dataDir.resolve("inbox.db");
        }
        int q = url.indexOf('?');
        return "PostgreSQL " + (q < 0 ? url : url.substring(0, q));
    }

    @Override
    public String toString() {
        return "InboxConfig[" + (enabled ? where() : "off") + ", methods=" + methods + ", maxAttempts=" + maxAttempts
                + ", retryDelay=" + retryDelay + ", retention=" + retention + "]";
    }
}
