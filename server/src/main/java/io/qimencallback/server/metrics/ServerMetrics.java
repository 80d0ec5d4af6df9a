package io.qimencallback.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The server's meters. Only calls on the service path are timed; admin traffic (scrapes, health checks) is on its
 * own port and never counted. Tag values are bounded: {@code method} is a method with a handler or {@code other},
 * {@code route} is where the call went ({@link io.qimencallback.server.route.Route#routeTag()}: a fixed word or a
 * configured target's name), {@code outcome} is {@code success}, one of this server's error codes, or
 * {@code failure} for a handler's own code.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final Set<String> OWN_CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::code)
            .collect(Collectors.toUnmodifiableSet());

    /** Histogram buckets: a handful, from sub-millisecond answers to the longest deadline worth configuring. */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
            10000, 30000).map(Duration::ofMillis).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry;
    /** method tag → route tag → outcome → timer: three lookups instead of a registry lookup (and no key) per call. */
    private final ConcurrentMap<String, ConcurrentMap<String, ConcurrentMap<String, Timer>>> timers =
            new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Counter> rejections = new ConcurrentHashMap<>();
    /** app_key label (a configured app key, or {@code other}) → counter. */
    private final ConcurrentMap<String, Counter> signatureFailures = new ConcurrentHashMap<>();
    private final Counter connectionsRefused;
    private final Counter connectionsRefusedPerSource;
    private final Counter bodyBudgetExhausted;
    private final Counter outOfMemory;
    private final Counter replays;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final long startNanos = System.nanoTime();

    public ServerMetrics() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        signatureFailed(OTHER_APP, 0); // the series exists from the start: rate() sees the first failure
        this.connectionsRefused = Counter.builder("qimen.connections.refused")
                .description("Connections closed at once because max_connections were open")
                .register(registry);
        this.connectionsRefusedPerSource = Counter.builder("qimen.connections.refused.per.source")
                .description("Connections closed at once because their source had max_connections_per_source open")
                .register(registry);
        this.bodyBudgetExhausted = Counter.builder("qimen.body.budget.exhausted")
                .description("Requests refused (503) because max_inflight_bytes of bodies were being received or held")
                .register(registry);
        this.outOfMemory = Counter.builder("qimen.out.of.memory")
                .description("Connections closed because an allocation for them failed (heap or direct memory)")
                .register(registry);
        this.replays = Counter.builder("qimen.replays")
                .description("Calls whose signature was seen before within the timestamp window: answered again, not run")
                .register(registry);
        Gauge.builder("qimen.requests.inflight", inFlight, AtomicInteger::get)
                .description("Calls received and whose answer is not yet written")
                .register(registry);
        // which build answers: qimen_build_info{version,java_version} 1 (joins on instance in dashboards and alerts)
        String version = version();
        Gauge.builder("qimen.build.info", () -> 1)
                .description("The server's version and the Java runtime it runs on")
                .tag("version", version)
                .tag("java_version", Runtime.version().toString())
                .register(registry);
    }

    /**
     * JVM, process and Netty allocator meters. Slow to set up (hundreds of milliseconds of class loading), and not
     * needed to serve, so the server binds them after it is ready.
     */
    public void bindSystemMeters() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(registry);
        }
    }

    /** The version Maven wrote into the jar (pom.properties); "unknown" when run from classes, as in tests. */
    static String version() {
        try (java.io.InputStream in = ServerMetrics.class.getResourceAsStream(
                "/META-INF/maven/io.qimencallback/qimen-server/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** Queue depth and busy workers of the handler executor. */
    public void bindExecutor(ThreadPoolExecutor executor) {
        Gauge.builder("qimen.executor.queue.depth", executor, e -> e.getQueue().size())
                .description("Calls waiting for a worker")
                .register(registry);
        Gauge.builder("qimen.executor.active", executor, ThreadPoolExecutor::getActiveCount)
                .description("Workers running a call")
                .register(registry);
        // free places, named as such (it was qimen_executor_capacity, which read as the queue's size)
        Gauge.builder("qimen.executor.queue.free", executor, e -> e.getQueue().remainingCapacity())
                .description("Free places in the worker queue")
                .register(registry);
        Gauge.builder("qimen.executor.queue.capacity", executor, e -> e.getQueue().size() + e.getQueue().remainingCapacity())
                .description("Places in the worker queue, free or taken")
                .register(registry);
    }

    /** Open connections on the public port. */
    public void bindConnections(java.util.Collection<?> connections) {
        Gauge.builder("qimen.connections.open", connections, java.util.Collection::size)
                .description("Open connections on the public port")
                .register(registry);
    }

    public void connectionRefused() {
        connectionsRefused.increment();
    }

    public void connectionRefusedPerSource() {
        connectionsRefusedPerSource.increment();
    }

    public void bodyBudgetExhausted() {
        bodyBudgetExhausted.increment();
    }

    public void outOfMemory() {
        outOfMemory.increment();
    }

    public long outOfMemoryCount() {
        return (long) outOfMemory.count();
    }

    public void replayed() {
        replays.increment();
    }

    public void callStarted() {
        inFlight.incrementAndGet();
    }

    /**
     * The answer is known: time it. The call stays in flight until {@link #callEnded()}.
     *
     * <p>The route is a label of this timer rather than a meter of its own: every existing query ({@code sum by
     * (method)}, {@code by (outcome)}, the alerts' ratios) keeps its meaning, and a second per-call meter would count
     * each call twice. It adds few series: a named method always takes the same route, so only {@code other} spreads
     * over several.
     *
     * @param routeTag {@link io.qimencallback.server.route.Route#routeTag()}, or
     *                 {@link io.qimencallback.server.route.Route#NOT_ROUTED} for a call answered before routing
     */
    public void callFinished(String methodTag, String routeTag, QimenResponse response, long nanos) {
        String outcome = outcome(response);
        timers.computeIfAbsent(methodTag, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(routeTag, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> Timer.builder("qimen.requests")
                        .description("Calls on the service path, by method, route and outcome")
                        .tag("method", methodTag)
                        .tag("route", routeTag)
                        .tag("outcome", outcome)
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The answer has been written (or the connection is gone). */
    public void callEnded() {
        inFlight.decrementAndGet();
    }

    /** Label of signature failures whose app_key is not configured: callers cannot grow the label set. */
    public static final String OTHER_APP = "other";

    /** @param appLabel the configured app key the call named, or {@link #OTHER_APP} */
    public void signatureFailed(String appLabel) {
        signatureFailed(appLabel, 1);
    }

    private void signatureFailed(String appLabel, int n) {
        signatureFailures.computeIfAbsent(appLabel, a -> Counter.builder("qimen.signature.failures")
                .description("Calls refused with sign-check-failure, by app_key (configured ones; the rest are other)")
                .tag("app_key", a)
                .register(registry)).increment(n);
    }

    /** Requests answered by the HTTP layer itself (400, 404, 405, 408, 413, 431). */
    public void httpRejected(int status) {
        rejections.computeIfAbsent(status, s -> Counter.builder("qimen.http.rejections")
                .description("Requests refused before reaching the Qimen checks, by HTTP status")
                .tag("status", Integer.toString(s))
                .register(registry)).increment();
    }

    public static String outcome(QimenResponse response) {
        if (response.isSuccess()) {
            return QimenResponse.SUCCESS;
        }
        return OWN_CODES.contains(response.code()) ? response.code() : QimenResponse.FAILURE;
    }

    /** Calls received and not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Calls answered so far, by outcome (all methods together), for the debug console. */
    public Map<String, Long> requestsByOutcome() {
        Map<String, Long> out = new TreeMap<>();
        timers.values().forEach(byRoute -> byRoute.values().forEach(byOutcome ->
                byOutcome.forEach((outcome, timer) -> out.merge(outcome, timer.count(), Long::sum))));
        return out;
    }

    /** Requests refused by the HTTP layer so far, by status. */
    public Map<Integer, Long> httpRejections() {
        Map<Integer, Long> out = new TreeMap<>();
        rejections.forEach((status, counter) -> out.put(status, (long) counter.count()));
        return out;
    }

    public long signatureFailures() {
        return (long) signatureFailures.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Time since these meters were created, that is since the server started. */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
