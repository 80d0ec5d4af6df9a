package io.qimencallback.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.internal.privacy.ErrorText;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.admin.AdminGuard;
import io.qimencallback.server.admin.AdminRouter;
import io.qimencallback.server.admin.AdminRoutes;
import io.qimencallback.server.admin.OperationsRoutes;
import io.qimencallback.server.call.CallProcessor;
import io.qimencallback.server.concurrent.BlockingThreadFactory;
import io.qimencallback.server.call.CallVerifier;
import io.qimencallback.server.call.ReplayGuard;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;
import io.qimencallback.server.target.Targets;
import io.qimencallback.server.config.LiveSecrets;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.console.ConsoleRoutes;
import io.qimencallback.server.diagnostics.SignatureDiagnostics;
import io.qimencallback.server.http.AdminChannelInitializer;
import io.qimencallback.server.http.PublicTls;
import io.qimencallback.server.inbox.Inbox;
import io.qimencallback.server.inbox.InboxRoutes;
import io.qimencallback.server.http.ConnectionLimits;
import io.qimencallback.server.http.PublicChannelInitializer;
import io.qimencallback.server.http.ServiceEndpoint;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.plugin.HandlerLifecycle;
import io.qimencallback.server.recent.RecentCalls;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: the public port (the Qimen service address) and the admin port. Embeddable:
 *
 * <pre>{@code
 * try (QimenServer server = QimenServer.start(ServerConfig.builder().apps(AppSecrets.parse("12345678:" + secret)).build(),
 *         HandlerRegistry.builder().add(new MyHandler()).build())) {
 *     ...
 * }
 * }</pre>
 */
public final class QimenServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QimenServer.class);

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Targets targets;
    private final Routes routes;
    private final HandlerLifecycle handlerLifecycle;
    private final LiveSecrets secrets;
    /** Opened on its own thread while the rest starts (Flyway and the pool take most of a second). */
    private final CompletableFuture<Inbox> inboxOpening;
    private volatile Inbox inbox;
    /** Runs beside the inbox's opening; the public port waits for both. */
    private final CompletableFuture<Void> warmUp;
    private final SignatureDiagnostics signatureDiagnostics;
    private final ThreadPoolExecutor workers;
    /** Admin services that may block (database queries): a few threads, a short queue, 503 beyond it. */
    private final ThreadPoolExecutor adminWorkers;
    private final RecentCalls recentCalls;
    private final AdminRouter adminRouter;
    private final EventLoopGroup ioGroup;
    private final EventLoopGroup adminGroup;
    private final PublicChannelInitializer publicInitializer;
    private final ChannelGroup connections = new DefaultChannelGroup("qimen-connections", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    private Channel publicChannel;
    private Channel adminChannel;

    private QimenServer(ServerConfig config, HandlerRegistry handlers, SslContext tls, List<AdminRoutes> adminRoutes,
                        List<TargetType> targetTypes) {
        this.config = config;
        this.metrics = new ServerMetrics();
        this.targets = Targets.open(config.targets(), new TargetEnvironment(metrics.registry(),
                config.handlerTimeout()), targetTypes);
        try {
            this.routes = Routes.of(handlers, config.inbox().enabled(), config.inbox().methods(), config.routes(),
                    targets);
        } catch (RuntimeException e) {
            targets.close();
            throw e;
        }
        log.info("routes, first match wins:\n  {}", String.join("\n  ", routes.describe()));
        try {
            // before the inbox opens (it delivers to inbox handlers) and before any port binds
            this.handlerLifecycle = HandlerLifecycle.start(handlers, config, metrics.registry());
        } catch (RuntimeException e) {
            targets.close();
            throw e;
        }
        // what the rest opens, undone if a later step throws: the handlers are started and must be closed again
        List<Runnable> opened = new ArrayList<>();
        try {
            this.recentCalls = new RecentCalls(config.recentCalls());
            this.secrets = new LiveSecrets(config);
            this.signatureDiagnostics = SignatureDiagnostics.of(config.signatureDiagnostics());
            this.workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(config.workerQueue()), new BlockingThreadFactory("qimen-worker", false),
                    new ThreadPoolExecutor.AbortPolicy());
            opened.add(workers::shutdownNow);
            workers.allowCoreThreadTimeOut(true);
            metrics.bindExecutor(workers);
            this.adminWorkers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(32),
                    new BlockingThreadFactory("qimen-admin-worker", false), new ThreadPoolExecutor.AbortPolicy());
            opened.add(adminWorkers::shutdownNow);
            adminWorkers.allowCoreThreadTimeOut(true);
            AdminRouter.Builder router = AdminRouter.builder()
                    .add(new OperationsRoutes(metrics, this::ready))
                    .add(new ConsoleRoutes(recentCalls, metrics, signatureDiagnostics::json, routes.describe()));
            if (config.inbox().enabled()) {
                router.add(new InboxRoutes(this::awaitInbox, Clock.systemUTC()));
            }
            adminRoutes.forEach(router::add);
            this.adminRouter = router.build();
            this.ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("qimen-io"),
                    NioIoHandler.newFactory());
            opened.add(() -> ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS));
            this.adminGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("qimen-admin"),
                    NioIoHandler.newFactory());
            opened.add(() -> adminGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS));
            SourcePolicy sources = new SourcePolicy(config.allowedSources(), config.trustedProxies());
            CallVerifier verifier = new CallVerifier(secrets, config.timestampTolerance(), sources, routes,
                    Clock.systemUTC(), (call, failure) -> {
                        String appKey = call.appKey();
                        metrics.signatureFailed(appKey != null && secrets.get().appKeys().contains(appKey)
                                ? appKey : ServerMetrics.OTHER_APP);
                        signatureDiagnostics.record(failure);
                    });
            CallProcessor processor = new CallProcessor(verifier,
                    new ReplayGuard(config.replayCacheEntries(), Clock.systemUTC()), () -> inbox, metrics::replayed,
                    config.handlerTimeout(), config.slowCallFraction());
            ServiceEndpoint endpoint = new ServiceEndpoint(config.path(), processor, workers, config.handlerTimeout(),
                    metrics, draining::get, recentCalls, config.eventLoopBodyBytes());
            this.publicInitializer = new PublicChannelInitializer(endpoint, connections, ConnectionLimits.of(config), tls,
                    sources::trusted);
            metrics.bindConnections(connections);
            this.warmUp = CompletableFuture.runAsync(WarmUp::run, task -> {
                Thread t = new Thread(task, "qimen-warm-up");
                t.setDaemon(true);
                t.start();
            });
            // last: nothing after it can fail and leave an opened inbox behind
            this.inboxOpening = openInbox(config, routes, handlers, targets, metrics);
        } catch (RuntimeException | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                closeQuietly("a thread pool", opened.get(i));
            }
            closeQuietly("the handlers", handlerLifecycle::close);
            closeQuietly("the targets", targets::close);
            throw e;
        }
    }

    /** One step of a stop that cannot fail the others: a failure is logged (its text masked), not thrown. */
    private static void closeQuietly(String what, Runnable close) {
        try {
            close.run();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            log.warn("{} failed to close: {}", what, ErrorText.of(t));
        }
    }

    private static CompletableFuture<Inbox> openInbox(ServerConfig config, Routes routes, HandlerRegistry handlers,
                                                      Targets targets, ServerMetrics metrics) {
        if (!config.inbox().enabled()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(
                () -> Inbox.start(config.inbox(), routes, handlers, targets, metrics.registry(), config.handlerTimeout(),
                        Clock.systemUTC()),
                task -> {
                    Thread t = new Thread(task, "qimen-inbox-open");
                    t.setDaemon(true);
                    t.start();
                });
    }

    /** The opened inbox (null when off); a store that cannot be opened fails the start. */
    private Inbox awaitInbox() {
        try {
            return inboxOpening.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Binds both ports and returns once the server is ready.
     *
     * @throws IllegalStateException when a port cannot be bound (the message names it)
     */
    public static QimenServer start(ServerConfig config, HandlerRegistry handlers) {
        return start(config, handlers, List.of());
    }

    /**
     * As {@link #start(ServerConfig, HandlerRegistry)}, with further routes on the admin port (the inbox, ...).
     *
     * @throws IllegalArgumentException when a contribution adds a route that already exists
     */
    public static QimenServer start(ServerConfig config, HandlerRegistry handlers, List<AdminRoutes> adminRoutes) {
        return start(config, handlers, adminRoutes, Targets.TYPES);
    }

    /**
     * As {@link #start(ServerConfig, HandlerRegistry, List)}, with the kinds of target its {@code targets:} sections
     * may name ({@link Targets#TYPES} by default).
     */
    public static QimenServer start(ServerConfig config, HandlerRegistry handlers, List<AdminRoutes> adminRoutes,
                                    List<TargetType> targetTypes) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(adminRoutes, "adminRoutes");
        Objects.requireNonNull(targetTypes, "targetTypes");
        QimenServer server = new QimenServer(config, handlers, PublicTls.of(config), List.copyOf(adminRoutes),
                List.copyOf(targetTypes));
        try {
            server.bind();
        } catch (RuntimeException e) {
            try {
                server.shutdownNow();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup); // the port's failure is the one to report
            }
            throw e;
        }
        Thread background = new Thread(() -> {
            server.metrics.bindSystemMeters();
        }, "qimen-after-start");
        background.setDaemon(true);
        background.start();
        return server;
    }

    private void bind() {
        AdminGuard guard = new AdminGuard(config.adminBind(), config.adminToken());
        adminChannel = bind("admin", new ServerBootstrap()
                .group(adminGroup)
                .channel(NioServerSocketChannel.class)
                .childHandler(new AdminChannelInitializer(adminRouter, guard, adminWorkers)), config.adminBind(),
                config.adminPort());
        guard.exposureWarning(config.adminBind(), adminPort()).ifPresent(log::warn);
        // the public port opens only once the inbox can take calls (no call is answered without it) and the event
        // loops' code is loaded (no jar is read on an event loop)
        inbox = awaitInbox();
        warmUp.join();
        publicChannel = bind("public", new ServerBootstrap()
                .group(ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a client that half-closes after its last request still gets the answers it was promised
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(publicInitializer), config.bind(), config.port());
        ready = true;
    }

    private static Channel bind(String name, ServerBootstrap bootstrap, String host, int port) {
        try {
            return bootstrap.bind(host, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the " + name + " port");
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind the " + name + " port " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The bound public port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) publicChannel.localAddress()).getPort();
    }

    public int adminPort() {
        return ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    /** Body bytes the public port holds now: being received, or held by calls not yet answered. */
    public long bodyBytesHeld() {
        return publicInitializer.bodyBytesHeld();
    }

    public ServerConfig config() {
        return config;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** The inbox, when on. */
    public Optional<Inbox> inbox() {
        return Optional.ofNullable(inbox);
    }

    /** The last calls on the public port, as the debug console shows them. */
    public RecentCalls recentCalls() {
        return recentCalls;
    }

    /** The last signature failures, explained (empty and disabled unless {@code signature_diagnostics} is on). */
    public SignatureDiagnostics signatureDiagnostics() {
        return signatureDiagnostics;
    }

    /**
     * Re-reads the secrets file ({@code QIMEN_APPS_FILE}); on failure the current secrets stay in force. Calls in
     * progress finish with the secrets they started with.
     *
     * @return whether the secrets in force were replaced
     */
    public boolean reloadSecrets() {
        return secrets.reload();
    }

    /** Bound, handlers loaded, not draining, and — with the inbox on — inbox appends succeed. */
    public boolean ready() {
        Inbox opened = inbox;
        return ready && !draining.get() && (opened == null || opened.healthy());
    }

    /**
     * Graceful stop: reports not-ready, stops accepting, closes idle connections, lets in-flight calls finish within
     * the configured grace period, then closes everything. Idempotent; later callers wait for the first.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        draining.set(true);
        log.info("draining: no new connections; {} call(s) in flight", metrics.inFlight());
        publicChannel.close().syncUninterruptibly();
        // each channel decides on its own event loop, where its busy flag is written
        connections.forEach(ch -> ch.eventLoop().execute(() -> {
            if (!Boolean.TRUE.equals(ch.attr(PublicChannelInitializer.BUSY).get())) {
                ch.close();
            }
        }));
        workers.shutdown();
        try {
            long left = deadline - System.nanoTime();
            if (!workers.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                log.warn("grace period of {} s over; {} call(s) abandoned", config.shutdownGrace().toSeconds(),
                        metrics.inFlight());
            }
            while (metrics.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // answers computed, still being written
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdownNow();
        log.info("stopped");
    }

    private void shutdownNow() {
        ready = false;
        workers.shutdownNow();
        adminWorkers.shutdownNow();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (adminChannel != null) {
            adminChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        // after the workers: no call is between verification and its commit; an inbox still opening is closed once open
        inboxOpening.whenComplete((opened, failure) -> {
            // each closed whatever the one before did (a failure here would be lost in the future)
            if (opened != null) {
                closeQuietly("the inbox", opened::close);
            }
            closeQuietly("the handlers", handlerLifecycle::close); // after the last call and the last delivery
            closeQuietly("the targets", targets::close); // after the inbox: its deliveries have ended
        });
        metrics.close();
        stopped.countDown();
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
