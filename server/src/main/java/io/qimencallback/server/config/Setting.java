package io.qimencallback.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Every setting, in one table: its key in the YAML file, its environment variable ({@code QIMEN_} + the key in upper
 * case), its default and what it does. The README's configuration table is this table.
 */
public enum Setting {
    PORT("port", "8080", "Public port the gateway calls (0 = any free port).",
            (b, v) -> b.port(port(v))),
    ADMIN_PORT("admin_port", "9090", "Admin port: debug console, /metrics, /health/live, /health/ready (0 = any free port).",
            (b, v) -> b.adminPort(port(v))),
    BIND("bind", "", "Address the public port binds to. Empty: 0.0.0.0, or 127.0.0.1 on demo credentials.",
            ServerConfig.Builder::bind),
    ADMIN_BIND("admin_bind", "127.0.0.1", "Address the admin port binds to. Clients other than loopback get only"
            + " /metrics and /health/*, unless they send the admin token (admin_token_file).",
            ServerConfig.Builder::adminBind),
    ADMIN_TOKEN_FILE("admin_token_file", "", "File holding a token (at least 16 characters, read at start): a request"
            + " with Authorization: Bearer <token> gets the debug console and its API (call data and captures, inbox,"
            + " ack, retry, replay) from beyond loopback. Empty: loopback clients only.",
            (b, v) -> b.adminTokenFile(file(v))),
    PATH("path", "/qimen", "Service path (the 服务地址 is http://host:port + this path). Other paths answer 404.",
            ServerConfig.Builder::path),
    TLS_CERT_FILE("tls_cert_file", "",
            "PEM certificate chain: with tls_key_file, the public port speaks HTTPS only (empty = plain HTTP).",
            (b, v) -> b.tlsCertFile(file(v))),
    TLS_KEY_FILE("tls_key_file", "", "PEM private key (PKCS#8, unencrypted) of tls_cert_file.",
            (b, v) -> b.tlsKeyFile(file(v))),
    APPS("apps", "", "Signing secrets, at least 16 characters each: appKey:secret[,appKey:secret...]; a key may repeat"
            + " (rotation); appKey * = any. Unset: demo credentials, loopback only (set but empty: start refused).",
            (b, v) -> b.apps(AppSecrets.parse(v))),
    APPS_FILE("apps_file", "", "File of further signing secrets: appKey:secret per line, or YAML (*.yml) app key →"
            + " secret(s). Re-read on SIGHUP (where there is none, when the file changes).",
            (b, v) -> b.appsFile(file(v))),
    TIMESTAMP_TOLERANCE_MINUTES("timestamp_tolerance_minutes", "10",
            "Accepted clock difference of the timestamp parameter, either direction (0 = not checked).",
            (b, v) -> b.timestampTolerance(Duration.ofMinutes(nonNegative(v)))),
    MAX_BODY_BYTES("max_body_bytes", "8388608", "Largest request body; larger ones get HTTP 413.",
            (b, v) -> b.maxBodyBytes(positive(v))),
    MAX_HEADER_BYTES("max_header_bytes", "16384", "Largest request head (all headers); larger ones get HTTP 431.",
            (b, v) -> b.maxHeaderBytes(positive(v))),
    MAX_INFLIGHT_BYTES("max_inflight_bytes", "67108864",
            "Body bytes being received or held by calls not yet answered, from their first byte; beyond it HTTP 503"
                    + " overloaded. At least max_body_bytes.",
            (b, v) -> b.maxInflightBytes(positive(v))),
    MAX_CONNECTIONS("max_connections", "10000", "Open connections on the public port; further ones are closed at once.",
            (b, v) -> b.maxConnections(positive(v))),
    MAX_CONNECTIONS_PER_SOURCE("max_connections_per_source", "256",
            "Open connections from one address (trusted proxies: only max_connections); further ones are closed at once.",
            (b, v) -> b.maxConnectionsPerSource(positive(v))),
    EVENT_LOOP_BODY_BYTES("event_loop_body_bytes", "65536",
            "Calls with a body up to this size are verified on the I/O thread; larger ones on a worker.",
            (b, v) -> b.eventLoopBodyBytes(nonNegative(v))),
    REPLAY_CACHE_ENTRIES("replay_cache_entries", "50000",
            "Signatures remembered per app key for the timestamp window: a replay gets the first answer again"
                    + " (0 = off: no replay protection, for load tests that repeat one signed call).",
            (b, v) -> b.replayCacheEntries(nonNegative(v))),
    PLUGINS_DIR("plugins_dir", "", "Directory whose *.jar files are searched for handler plugins.",
            (b, v) -> b.pluginsDir(file(v))),
    ALLOWED_SOURCES("allowed_sources", "", "CIDRs allowed to call, comma-separated (empty = any source).",
            (b, v) -> b.allowedSources(list(v))),
    TRUSTED_PROXIES("trusted_proxies", "",
            "CIDRs of reverse proxies whose X-Forwarded-For is believed (empty = the TCP peer is the caller).",
            (b, v) -> b.trustedProxies(list(v))),
    HANDLER_TIMEOUT_MILLIS("handler_timeout_millis", "10000",
            "Deadline for answering a call, from receipt; past it the answer is handler-timeout.",
            (b, v) -> b.handlerTimeout(Duration.ofMillis(positive(v)))),
    SLOW_CALL_FRACTION("slow_call_fraction", "0.5", "A call answered after more than this fraction of"
            + " handler_timeout_millis is logged at WARN (slow call id=…), at most once a second per method (0 = off).",
            (b, v) -> b.slowCallFraction(fraction(v))),
    WORKER_THREADS("worker_threads", "32", "Threads that run handlers.",
            (b, v) -> b.workerThreads(positive(v))),
    WORKER_QUEUE("worker_queue", "512", "Calls that may wait for a worker; beyond it the answer is overloaded.",
            (b, v) -> b.workerQueue(positive(v))),
    IO_THREADS("io_threads", "0", "Netty event-loop threads (0 = twice the cores).",
            (b, v) -> b.ioThreads(nonNegative(v))),
    IDLE_TIMEOUT_SECONDS("idle_timeout_seconds", "60", "Keep-alive connections idle this long are closed.",
            (b, v) -> b.idleTimeout(Duration.ofSeconds(positive(v)))),
    READ_TIMEOUT_SECONDS("read_timeout_seconds", "30",
            "A request must arrive whole within this time of its first byte, else HTTP 408 and close.",
            (b, v) -> b.readTimeout(Duration.ofSeconds(positive(v)))),
    SHUTDOWN_GRACE_SECONDS("shutdown_grace_seconds", "20",
            "On SIGTERM, how long in-flight calls may take to finish.",
            (b, v) -> b.shutdownGrace(Duration.ofSeconds(nonNegative(v)))),
    INBOX("inbox", "on", "on: calls routed to the inbox (the push APIs of inbox_methods, routes lines with inbox) are"
            + " stored and answered success once committed; off: no call is stored (routes with inbox stop the start).",
            (b, v) -> b.inboxEnabled(onOff(v))),
    DATA_DIR("data_dir", "data", "Directory of the embedded inbox (inbox.db, SQLite in WAL mode).",
            (b, v) -> b.dataDir(Path.of(v.isBlank() ? "data" : v))),
    INBOX_URL("inbox_url", "", "PostgreSQL JDBC URL of an inbox shared by several servers, e.g."
            + " jdbc:postgresql://db:5432/qimen?user=qimen&password=... (empty: SQLite in data_dir).",
            ServerConfig.Builder::inboxUrl),
    INBOX_POOL_SIZE("inbox_pool_size", "8", "PostgreSQL connections per server.",
            (b, v) -> b.inboxPoolSize(positive(v))),
    INBOX_METHODS("inbox_methods", io.qimencallback.server.route.Routes.DEFAULT_INBOX_METHODS,
            "Methods the inbox takes when no handler and no routes line does: comma-separated globs of normalized"
                    + " names (the push APIs by default). Others, queries among them, answer invalid-method.",
            (b, v) -> b.inboxMethods(list(v))),
    INBOX_KEYS("inbox_keys", "deliveryorder.create=deliveryOrderCode,stockout.create=deliveryOrderCode,"
            + "entryorder.create=entryOrderCode,returnorder.create=returnOrderCode,order.cancel=orderCode",
            "Business key per method (glob=field, comma-separated): the first such field in the body, else the"
            + " parameter. A redelivery with the same key, method and customerId is not stored again. Other methods:"
            + " a hash of the signed content without timestamp and sign.",
            (b, v) -> b.inboxKeys(pairs(v))),
    INBOX_MAX_ATTEMPTS("inbox_max_attempts", "8", "Deliveries to an inbox handler before an entry is marked dead.",
            (b, v) -> b.inboxMaxAttempts(positive(v))),
    INBOX_RETRY_SECONDS("inbox_retry_seconds", "10",
            "Delay before the first redelivery of a failed entry; doubles with each attempt, up to one hour.",
            (b, v) -> b.inboxRetryDelay(Duration.ofSeconds(positive(v)))),
    INBOX_RETENTION_DAYS("inbox_retention_days", "30",
            "done and dead entries received longer ago are deleted (checked hourly); new and failed ones are kept.",
            (b, v) -> b.inboxRetention(Duration.ofDays(positive(v)))),
    INBOX_DELIVERY_THREADS("inbox_delivery_threads", "4", "Threads that deliver inbox entries to inbox handlers.",
            (b, v) -> b.inboxDeliveryThreads(positive(v))),
    RECENT_CALLS("recent_calls", "200", "Last calls kept in memory for the debug console on the admin port, with at"
            + " most 64 KiB of body and of answer each (0 = off).",
            (b, v) -> b.recentCalls(nonNegative(v))),
    SIGNATURE_DIAGNOSTICS("signature_diagnostics", "auto",
            "Keep the last 100 signature failures, explained, for GET /api/signature-failures on the admin port"
            + " (never a secret; strings masked and truncated): auto = on with demo credentials only, on, off.",
            (b, v) -> b.signatureDiagnostics(AutoOnOff.parse(v)));

    private final String key;
    private final String defaultValue;
    private final String description;
    private final BiConsumer<ServerConfig.Builder, String> apply;

    Setting(String key, String defaultValue, String description, BiConsumer<ServerConfig.Builder, String> apply) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.apply = apply;
    }

    public String key() {
        return key;
    }

    public String env() {
        return "QIMEN_" + key.toUpperCase(Locale.ROOT);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Applies a textual value; a bad one fails with a message naming this setting, never showing a secret. */
    void apply(ServerConfig.Builder builder, String value, String origin) {
        try {
            apply.accept(builder, value.trim());
        } catch (RuntimeException e) {
            String shown = this == APPS || this == INBOX_URL ? "" : " '" + value + "'"; // secrets, passwords
            throw new ConfigException(env() + " (" + key + ", from " + origin + "):" + shown + " " + e.getMessage());
        }
    }

    private static int port(String v) {
        int p = integer(v);
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("is not a port (0-65535)");
        }
        return p;
    }

    private static int positive(String v) {
        int n = integer(v);
        if (n <= 0) {
            throw new IllegalArgumentException("must be greater than 0");
        }
        return n;
    }

    private static int nonNegative(String v) {
        int n = integer(v);
        if (n < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return n;
    }

    private static double fraction(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number between 0 and 1");
        }
    }

    private static int integer(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a whole number");
        }
    }

    private static boolean onOff(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("must be on or off");
        };
    }

    /** {@code a=b,c=d} in order. */
    private static Map<String, String> pairs(String v) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : list(v)) {
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw new IllegalArgumentException("'" + item + "' is not method=field");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    private static Path file(String v) {
        return v.isBlank() ? null : Path.of(v);
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
