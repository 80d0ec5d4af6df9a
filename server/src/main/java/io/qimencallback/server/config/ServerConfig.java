package io.qimencallback.server.config;

import io.qimencallback.server.access.Cidr;
import io.qimencallback.server.inbox.InboxConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.qimencallback.server.route.RouteRule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The server's settings; immutable. Built in code ({@link #builder()}, defaults from {@link Setting}) or loaded from a
 * YAML file and the environment ({@link ConfigLoader}).
 */
public final class ServerConfig {
    /** Used when no secret is configured; documented in the README, accepted on loopback only. */
    public static final String DEMO_SECRET = "demo-secret-0123456789";

    private final int port;
    private final int adminPort;
    private final String bind;
    private final String adminBind;
    private final AdminToken adminToken;
    private final String path;
    private final AppSecrets apps;
    private final AppSecrets fixedApps;
    private final Path appsFile;
    private final boolean demo;
    private final Path tlsCertFile;
    private final Path tlsKeyFile;
    private final Duration timestampTolerance;
    private final int maxBodyBytes;
    private final int maxHeaderBytes;
    private final int maxInflightBytes;
    private final int maxConnections;
    private final int maxConnectionsPerSource;
    private final int eventLoopBodyBytes;
    private final int replayCacheEntries;
    private final Path pluginsDir;
    private final List<Cidr> allowedSources;
    private final List<Cidr> trustedProxies;
    private final Duration handlerTimeout;
    private final double slowCallFraction;
    private final int workerThreads;
    private final int workerQueue;
    private final int ioThreads;
    private final Duration idleTimeout;
    private final Duration readTimeout;
    private final Duration shutdownGrace;
    private final InboxConfig inbox;
    private final int recentCalls;
    private final boolean signatureDiagnostics;
    private final List<RouteRule> routes;
    private final Map<String, Map<String, String>> plugins;
    private final List<Section> targets;
    private final Map<String, String> environment;

    private ServerConfig(Builder b) {
        this.fixedApps = b.apps;
        this.appsFile = b.appsFile;
        AppSecrets configured = loadApps();
        this.demo = configured.isEmpty();
        this.apps = demo ? AppSecrets.demo(DEMO_SECRET) : configured;
        this.bind = b.bind.isBlank() ? (demo ? "127.0.0.1" : "0.0.0.0") : b.bind;
        if (demo && !isLoopback(bind)) {
            throw new ConfigException(Setting.BIND.env() + ": '" + bind + "' is not a loopback address, and no secret"
                    + " is configured: demo credentials are served on loopback only. Set " + Setting.APPS.env() + " or "
                    + Setting.APPS_FILE.env() + ".");
        }
        this.port = b.port;
        this.adminPort = b.adminPort;
        this.adminBind = b.adminBind;
        this.adminToken = b.adminTokenFile == null ? null : AdminToken.read(b.adminTokenFile);
        if (!b.path.startsWith("/")) {
            throw new ConfigException(Setting.PATH.env() + ": '" + b.path + "' must start with /");
        }
        this.path = b.path.length() > 1 && b.path.endsWith("/") ? b.path.substring(0, b.path.length() - 1) : b.path;
        this.timestampTolerance = b.timestampTolerance;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxInflightBytes = b.maxInflightBytes;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerSource = b.maxConnectionsPerSource;
        this.eventLoopBodyBytes = b.eventLoopBodyBytes;
        this.replayCacheEntries = b.replayCacheEntries;
        if (b.maxInflightBytes < b.maxBodyBytes) {
            // the budget counts bodies from their first byte: one maximal body must always fit
            throw new ConfigException(Setting.MAX_INFLIGHT_BYTES.env() + " (" + b.maxInflightBytes + ") must be at least "
                    + Setting.MAX_BODY_BYTES.env() + " (" + b.maxBodyBytes + ")");
        }
        this.pluginsDir = b.pluginsDir;
        this.allowedSources = cidrs(Setting.ALLOWED_SOURCES, b.allowedSources);
        this.trustedProxies = cidrs(Setting.TRUSTED_PROXIES, b.trustedProxies);
        if (demo && !trustedProxies.isEmpty()) {
            // behind a proxy every call arrives from loopback: the demo secret would serve the whole network
            throw new ConfigException(Setting.TRUSTED_PROXIES.env() + " is set, and no secret is configured: the"
                    + " published demo credentials are never served behind a proxy. Set " + Setting.APPS.env() + " or "
                    + Setting.APPS_FILE.env() + ".");
        }
        this.handlerTimeout = b.handlerTimeout;
        this.slowCallFraction = b.slowCallFraction;
        this.workerThreads = b.workerThreads;
        this.workerQueue = b.workerQueue;
        this.ioThreads = b.ioThreads;
        this.idleTimeout = b.idleTimeout;
        this.readTimeout = b.readTimeout;
        this.shutdownGrace = b.shutdownGrace;
        this.inbox = new InboxConfig(b.inboxEnabled, b.dataDir, b.inboxUrl, b.inboxPoolSize, b.inboxMethods, b.inboxKeys,
                b.inboxMaxAttempts, b.inboxRetryDelay, b.inboxRetention, b.inboxDeliveryThreads);
        if (b.recentCalls < 0) {
            throw new ConfigException(Setting.RECENT_CALLS.env() + ": must not be negative");
        }
        this.recentCalls = b.recentCalls;
        // auto: on while the server is a joint-debugging toy, off once real secrets are configured
        this.signatureDiagnostics = b.signatureDiagnostics.resolve(demo);
        if ((b.tlsCertFile == null) != (b.tlsKeyFile == null)) {
            throw new ConfigException(Setting.TLS_CERT_FILE.env() + " and " + Setting.TLS_KEY_FILE.env()
                    + " go together: set both for HTTPS, or neither");
        }
        this.tlsCertFile = readable(Setting.TLS_CERT_FILE, b.tlsCertFile);
        this.tlsKeyFile = readable(Setting.TLS_KEY_FILE, b.tlsKeyFile);
        this.routes = List.copyOf(b.routes);
        this.environment = Map.copyOf(b.environment);
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        b.plugins.forEach((name, values) -> p.put(name, Map.copyOf(values)));
        this.plugins = Collections.unmodifiableMap(p);
        this.targets = Sections.targets(b.targets, environment);
    }

    /**
     * The configured secrets as of now: {@code apps} plus, when {@code apps_file} is set, the file read afresh.
     * Empty only when neither is set (the demo case).
     *
     * @throws ConfigException when the file cannot be read or holds no secret
     */
    public AppSecrets loadApps() {
        requireLongSecrets(Setting.APPS, fixedApps);
        if (appsFile == null) {
            return fixedApps;
        }
        try {
            AppSecrets fromFile = AppsFile.read(appsFile);
            requireLongSecrets(Setting.APPS_FILE, fromFile);
            return AppSecrets.builder().addAll(fixedApps).addAll(fromFile).build();
        } catch (ConfigException e) {
            throw new ConfigException(Setting.APPS_FILE.env() + ": " + e.getMessage());
        }
    }

    /** Names the app key, never the secret (nor its length). */
    private static void requireLongSecrets(Setting origin, AppSecrets secrets) {
        secrets.appKeyWithSecretShorterThan(AppSecrets.MIN_SECRET_LENGTH).ifPresent(appKey -> {
            throw new ConfigException((origin == Setting.APPS ? origin.env() + ": " : "") + "a secret of app key '"
                    + appKey + "' is shorter than " + AppSecrets.MIN_SECRET_LENGTH + " characters; a short secret can"
                    + " be guessed from one signed call");
        });
    }

    private static Path readable(Setting setting, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw new ConfigException(setting.env() + ": '" + file + "' is not a readable file");
        }
        return file;
    }
    public static Builder builder() {
        return new Builder();
    }

    private static List<Cidr> cidrs(Setting setting, List<String> values) {
        return values.stream().map(v -> {
            try {
                return Cidr.parse(v);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(setting.env() + ": '" + v + "' " + e.getMessage());
            }
        }).toList();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException(Setting.BIND.env() + ": cannot resolve '" + host + "'");
        }
    }

    public int port() { return port; }
    public int adminPort() { return adminPort; }
    public String bind() { return bind; }
    public String adminBind() { return adminBind; }
    /** May be {@code null}: no token, the admin port's call data answers loopback clients only. */
    public AdminToken adminToken() { return adminToken; }
    public String path() { return path; }
    /** The secrets at startup; {@link #loadApps()} re-reads the file. */
    public AppSecrets apps() { return apps; }
    /** May be {@code null}. */
    public Path appsFile() { return appsFile; }
    /** Whether the public port speaks HTTPS. */
    public boolean tls() { return tlsCertFile != null; }
    /** May be {@code null}. */
    public Path tlsCertFile() { return tlsCertFile; }
    /** May be {@code null}. */
    public Path tlsKeyFile() { return tlsKeyFile; }
    /** True when no secret was configured and the documented demo secret is in use. */
    public boolean demo() { return demo; }
    /** Zero means the timestamp is not checked. */
    public Duration timestampTolerance() { return timestampTolerance; }
    public int maxBodyBytes() { return maxBodyBytes; }
    public int maxHeaderBytes() { return maxHeaderBytes; }
    public int maxInflightBytes() { return maxInflightBytes; }
    public int maxConnections() { return maxConnections; }
    public int maxConnectionsPerSource() { return maxConnectionsPerSource; }
    public int eventLoopBodyBytes() { return eventLoopBodyBytes; }
    public int replayCacheEntries() { return replayCacheEntries; }
    /** May be {@code null}. */
    public Path pluginsDir() { return pluginsDir; }
    public List<Cidr> allowedSources() { return allowedSources; }
    public List<Cidr> trustedProxies() { return trustedProxies; }
    public Duration handlerTimeout() { return handlerTimeout; }
    /** Answers later than this fraction of the deadline are logged as slow; 0 = none. */
    public double slowCallFraction() { return slowCallFraction; }
    public int workerThreads() { return workerThreads; }
    public int workerQueue() { return workerQueue; }
    public int ioThreads() { return ioThreads; }
    public Duration idleTimeout() { return idleTimeout; }
    public Duration readTimeout() { return readTimeout; }
    public Duration shutdownGrace() { return shutdownGrace; }
    public InboxConfig inbox() { return inbox; }
    /** Calls kept for the debug console; 0 = none. */
    public int recentCalls() { return recentCalls; }
    /** Whether failed signatures are kept, explained, for the admin port ({@code auto} resolved). */
    public boolean signatureDiagnostics() { return signatureDiagnostics; }
    /** The {@code routes:} table, in order. */
    public List<RouteRule> routes() { return routes; }
    /** The {@code targets:} sections, environment overrides applied. */
    public List<Section> targets() { return targets; }
    /** The names of the {@code plugins:} sections in the file (a plugin may also be set from the environment alone). */
    public java.util.Set<String> pluginSectionNames() { return plugins.keySet(); }
    /** The settings of the plugin that declares this name: its {@code plugins:} section, environment applied. */
    public Section pluginSettings(String name) {
        return Section.of("plugins", name, plugins.getOrDefault(name, Map.of()), environment);
    }
    /** The environment plugin and target sections were read from (values may be secrets: never print them). */
    public Map<String, String> environment() { return environment; }

    @Override
    public String toString() {
        return "ServerConfig[public=" + (tls() ? "https://" : "http://") + bind + ":" + port + path + ", admin=" + adminBind + ":" + adminPort
                + (adminToken == null ? "" : " (token)")
                + ", apps=" + apps + (demo ? " (DEMO)" : "") + (appsFile == null ? "" : ", appsFile=" + appsFile)
                + (tls() ? ", tlsCertFile=" + tlsCertFile : "") + ", timestampTolerance=" + timestampTolerance
                + ", maxBodyBytes=" + maxBodyBytes + ", handlerTimeout=" + handlerTimeout + ", workers=" + workerThreads
                + "/" + workerQueue + ", allowedSources=" + allowedSources + ", trustedProxies=" + trustedProxies
                + ", pluginsDir=" + pluginsDir + ", inbox=" + inbox + ", signatureDiagnostics="
                + (signatureDiagnostics ? "on" : "off") + (routes.isEmpty() ? "" : ", routes=" + routes)
                + (targets.isEmpty() ? "" : ", targets=" + targets) + "]";
    }

    /** Starts from the defaults of {@link Setting}. */
    public static final class Builder {
        private int port;
        private int adminPort;
        private String bind;
        private String adminBind;
        private Path adminTokenFile;
        private String path;
        private AppSecrets apps;
        private Path appsFile;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private Duration timestampTolerance;
        private int maxBodyBytes;
        private int maxHeaderBytes;
        private int maxInflightBytes;
        private int maxConnections;
        private int maxConnectionsPerSource;
        private int eventLoopBodyBytes;
        private int replayCacheEntries;
        private Path pluginsDir;
        private List<String> allowedSources;
        private List<String> trustedProxies;
        private Duration handlerTimeout;
        private double slowCallFraction;
        private int workerThreads;
        private int workerQueue;
        private int ioThreads;
        private Duration idleTimeout;
        private Duration readTimeout;
        private Duration shutdownGrace;
        private boolean inboxEnabled;
        private Path dataDir;
        private String inboxUrl;
        private int inboxPoolSize;
        private List<String> inboxMethods;
        private Map<String, String> inboxKeys;
        private int inboxMaxAttempts;
        private Duration inboxRetryDelay;
        private Duration inboxRetention;
        private int inboxDeliveryThreads;
        private int recentCalls;
        private AutoOnOff signatureDiagnostics;
        private List<RouteRule> routes = List.of();
        private final Map<String, Map<String, String>> plugins = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> targets = new LinkedHashMap<>();
        private Map<String, String> environment = Map.of();

        private Builder() {
            for (Setting s : Setting.values()) {
                s.apply(this, s.defaultValue(), "default");
            }
        }

        public Builder port(int port) { this.port = port; return this; }
        public Builder adminPort(int adminPort) { this.adminPort = adminPort; return this; }
        public Builder bind(String bind) { this.bind = Objects.requireNonNull(bind, "bind"); return this; }
        public Builder adminBind(String adminBind) { this.adminBind = Objects.requireNonNull(adminBind, "adminBind"); return this; }
        /** {@code null}: no admin token. */
        public Builder adminTokenFile(Path file) { this.adminTokenFile = file; return this; }
        public Builder path(String path) { this.path = Objects.requireNonNull(path, "path"); return this; }
        public Builder apps(AppSecrets apps) { this.apps = Objects.requireNonNull(apps, "apps"); return this; }
        /** {@code null}: no secrets file. */
        public Builder appsFile(Path file) { this.appsFile = file; return this; }
        /** {@code null}: plain HTTP. */
        public Builder tlsCertFile(Path file) { this.tlsCertFile = file; return this; }
        public Builder tlsKeyFile(Path file) { this.tlsKeyFile = file; return this; }
        public Builder timestampTolerance(Duration d) { this.timestampTolerance = Objects.requireNonNull(d); return this; }
        public Builder maxBodyBytes(int n) { this.maxBodyBytes = n; return this; }
        public Builder maxHeaderBytes(int n) { this.maxHeaderBytes = n; return this; }
        public Builder maxInflightBytes(int n) { this.maxInflightBytes = n; return this; }
        public Builder maxConnections(int n) { this.maxConnections = n; return this; }
        public Builder maxConnectionsPerSource(int n) { this.maxConnectionsPerSource = n; return this; }
        public Builder eventLoopBodyBytes(int n) { this.eventLoopBodyBytes = n; return this; }
        public Builder replayCacheEntries(int n) { this.replayCacheEntries = n; return this; }
        public Builder pluginsDir(Path dir) { this.pluginsDir = dir; return this; }
        public Builder allowedSources(List<String> cidrs) { this.allowedSources = List.copyOf(cidrs); return this; }
        public Builder trustedProxies(List<String> cidrs) { this.trustedProxies = List.copyOf(cidrs); return this; }
        public Builder handlerTimeout(Duration d) { this.handlerTimeout = Objects.requireNonNull(d); return this; }
        /** 0 (off) to 1. */
        public Builder slowCallFraction(double f) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("must be between 0 and 1");
            }
            this.slowCallFraction = f;
            return this;
        }
        public Builder workerThreads(int n) { this.workerThreads = n; return this; }
        public Builder workerQueue(int n) { this.workerQueue = n; return this; }
        public Builder ioThreads(int n) { this.ioThreads = n; return this; }
        public Builder idleTimeout(Duration d) { this.idleTimeout = Objects.requireNonNull(d); return this; }
        public Builder readTimeout(Duration d) { this.readTimeout = Objects.requireNonNull(d); return this; }
        public Builder shutdownGrace(Duration d) { this.shutdownGrace = Objects.requireNonNull(d); return this; }
        public Builder inboxEnabled(boolean on) { this.inboxEnabled = on; return this; }
        public Builder dataDir(Path dir) { this.dataDir = Objects.requireNonNull(dir, "dataDir"); return this; }
        /** Empty: SQLite in {@link #dataDir}. */
        public Builder inboxUrl(String url) { this.inboxUrl = Objects.requireNonNull(url, "url"); return this; }
        public Builder inboxPoolSize(int n) { this.inboxPoolSize = n; return this; }
        public Builder inboxMethods(List<String> globs) { this.inboxMethods = List.copyOf(globs); return this; }
        public Builder inboxKeys(Map<String, String> keys) { this.inboxKeys = new LinkedHashMap<>(keys); return this; }
        public Builder inboxMaxAttempts(int n) { this.inboxMaxAttempts = n; return this; }
        public Builder inboxRetryDelay(Duration d) { this.inboxRetryDelay = Objects.requireNonNull(d); return this; }
        public Builder inboxRetention(Duration d) { this.inboxRetention = Objects.requireNonNull(d); return this; }
        public Builder inboxDeliveryThreads(int n) { this.inboxDeliveryThreads = n; return this; }
        public Builder recentCalls(int n) { this.recentCalls = n; return this; }
        public Builder signatureDiagnostics(AutoOnOff mode) { this.signatureDiagnostics = Objects.requireNonNull(mode); return this; }

        /** The {@code routes:} table (replaces any earlier one). */
        public Builder routes(List<RouteRule> rules) { this.routes = List.copyOf(rules); return this; }
        /** Appends one line to the routes table, e.g. {@code route("inventory.query", "forward erp")}. */
        public Builder route(String glob, String action) {
            List<RouteRule> r = new java.util.ArrayList<>(routes);
            r.add(RouteRule.parse("routes[" + (r.size() + 1) + "] (code)", glob, action));
            this.routes = List.copyOf(r);
            return this;
        }
        /** A {@code plugins:} section. */
        public Builder plugin(String name, Map<String, String> settings) {
            plugins.put(Objects.requireNonNull(name, "name"), new LinkedHashMap<>(settings));
            return this;
        }
        /** A {@code targets:} section; {@code type} is one of its keys. */
        public Builder target(String name, Map<String, String> settings) {
            targets.put(Objects.requireNonNull(name, "name"), new LinkedHashMap<>(settings));
            return this;
        }
        /** The environment that plugin and target sections are overridden from ({@code QIMEN_PLUGINS_*}, {@code QIMEN_TARGETS_*}). */
        public Builder environment(Map<String, String> env) { this.environment = Map.copyOf(env); return this; }

        /** @throws ConfigException when the combination is unusable */
        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
