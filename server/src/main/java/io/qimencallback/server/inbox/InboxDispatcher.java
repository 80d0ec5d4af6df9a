package io.qimencallback.server.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenRequestBuilder;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.ContentType;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import io.qimencallback.protocol.internal.privacy.ErrorText;
import io.qimencallback.server.call.Redacted;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetUnavailableException;
import io.qimencallback.server.target.Targets;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.qimencallback.server.concurrent.BlockingThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers stored calls to their consumers ({@link InboxConsumer}: a target's {@link Target#deliver}, or the inbox
 * handler claiming the method): claims due entries (as many as there are free delivery threads), runs the delivery
 * with a deadline, marks the entry done once it returned (in one commit with the other deliveries that finished
 * meanwhile: {@link OutcomeCommit}; the delivery thread waits for it), or schedules it again with exponential backoff, or marks it
 * dead after the last attempt. A target that cannot be reached at all ({@link TargetUnavailableException}) costs no
 * attempt: its entries wait, tried again with a backoff of their own that stays short, so that an outage of any length
 * dead-letters nothing and the end of one is noticed within a minute. Entries for a consumer this server does not have (a target removed from the
 * configuration) are not claimed: they stay pending, counted and warned about, until it is back or they are handled
 * by hand. Also keeps the inbox gauges fresh and purges old entries.
 */
final class InboxDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboxDispatcher.class);
    private static final long IDLE_POLL_MILLIS = 500;
    private static final int MAX_ERROR_LENGTH = 1000;
    /** The longest wait for a consumer that could not be reached: its recovery is noticed this soon. */
    static final Duration MAX_UNAVAILABLE_DELAY = Duration.ofMinutes(1).compareTo(InboxConfig.MAX_RETRY_DELAY) < 0
            ? Duration.ofMinutes(1) : InboxConfig.MAX_RETRY_DELAY;

    private final InboxStore store;
    private final HandlerRegistry handlers;
    private final Targets targets;
    private final Routes routes;
    /** What this server claims: every target's consumer value, and the inbox handlers' methods. */
    private final List<String> targetConsumers;
    private final List<String> handlerMethods;
    /** Consumers already warned about as missing: once each. */
    private final Set<String> warnedMissing = ConcurrentHashMap.newKeySet();
    private final InboxConfig config;
    /** The inbox handler timeout: how long an inbox handler's delivery may take. */
    private final Duration deliveryTimeout;
    /** Target consumer → the longer of the handler timeout and the target's own ({@link Target#deliveryTimeout}). */
    private final Map<String, Duration> targetTimeouts;
    /** The longest of them all: what a stop waits for. */
    private final Duration longestTimeout;
    /** Consumer → its current outage; absent while it is reachable. */
    private final Map<String, Outage> unavailable = new ConcurrentHashMap<>();
    /** A claim not completed within this is presumed abandoned (its server died) and claimed again. */
    private final Duration lease;
    private final InboxMetrics metrics;
    private final Clock clock;
    private final String owner;
    private final Semaphore free;
    private final Object wake = new Object();
    private final ExecutorService deliveries;
    private final ScheduledExecutorService housekeeping;
    private final ScheduledExecutorService deadlines;
    private final AtomicLong claims = new AtomicLong();
    private volatile boolean running = true;
    private boolean nudged;
    private Thread poller;

    InboxDispatcher(InboxStore store, HandlerRegistry handlers, Targets targets, Routes routes, InboxConfig config,
                    Duration deliveryTimeout, InboxMetrics metrics, Clock clock) {
        this.store = store;
        this.handlers = handlers;
        this.targets = targets;
        this.routes = routes;
        this.targetConsumers = targets.all().stream().map(t -> InboxConsumer.target(t.name())).sorted().toList();
        this.handlerMethods = List.copyOf(handlers.inboxMethods());
        this.config = config;
        this.deliveryTimeout = deliveryTimeout;
        Map<String, Duration> timeouts = new TreeMap<>();
        Duration longest = deliveryTimeout;
        for (Target t : targets.all()) {
            Duration own = t.deliveryTimeout().orElse(deliveryTimeout);
            Duration effective = own.compareTo(deliveryTimeout) > 0 ? own : deliveryTimeout;
            timeouts.put(InboxConsumer.target(t.name()), effective);
            longest = effective.compareTo(longest) > 0 ? effective : longest;
        }
        this.targetTimeouts = Map.copyOf(timeouts);
        this.longestTimeout = longest;
        this.lease = longest.multipliedBy(3).compareTo(Duration.ofMinutes(1)) > 0
                ? longest.multipliedBy(3) : Duration.ofMinutes(1);
        this.metrics = metrics;
        this.clock = clock;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.free = new Semaphore(config.deliveryThreads());
        this.deliveries = Executors.newFixedThreadPool(config.deliveryThreads(), new BlockingThreadFactory("qimen-inbox-delivery", false));
        this.housekeeping = Executors.newScheduledThreadPool(1, new BlockingThreadFactory("qimen-inbox-housekeeping", true));
        this.deadlines = Executors.newScheduledThreadPool(1, new BlockingThreadFactory("qimen-inbox-deadlines", true));
    }

    void start() {
        if (store.dialect() == InboxStore.Dialect.SQLITE) {
            // one server per SQLite file: whatever was being delivered belonged to a process that is gone
            try {
                int released = store.releaseAll(clock.instant());
                if (released > 0) {
                    log.info("inbox: {} entr(ies) interrupted by the last stop are due again", released);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the inbox: " + e.getMessage(), e);
            }
        }
        adopt();
        refreshGauges(); // warns at once about entries whose consumer is missing
        housekeeping.scheduleWithFixedDelay(this::refreshGauges, 5, 5, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::purge, 1, 60, TimeUnit.MINUTES);
        if (!targetConsumers.isEmpty() || !handlerMethods.isEmpty()) {
            poller = new Thread(this::pollLoop, "qimen-inbox-poller");
            poller.setDaemon(true);
            poller.start();
        }
    }

    /**
     * Entries stored before the consumer column existed go to whom their method's route says now: as before the
     * column, when the dispatcher claimed by method (and an entry without an inbox handler was kept for the API).
     */
    private void adopt() {
        try {
            for (String method : store.unassignedMethods()) {
                String consumer = InboxConsumer.of(routes.route(method), handlers, method);
                int n = store.assign(method, consumer);
                log.info("inbox: {} entr(ies) of {} stored by an earlier version are for the {}", n, method,
                        InboxConsumer.describe(consumer));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the inbox: " + e.getMessage(), e);
        }
    }

    /** Whether this server delivers entries for that consumer and method. */
    boolean serves(String consumer, String method) {
        if (InboxConsumer.HANDLER.equals(consumer)) {
            return handlers.findInbox(method).isPresent();
        }
        return InboxConsumer.targetName(consumer).flatMap(targets::get).isPresent();
    }

    /** A call was just stored: look for work now rather than at the next poll. */
    void nudge() {
        synchronized (wake) {
            nudged = true;
            wake.notifyAll();
        }
    }

    private void pollLoop() {
        while (running) {
            try {
                int n = free.availablePermits();
                String claimPrefix = owner + "/" + claims.incrementAndGet() + "#";
                List<InboxEntry> claimed = n == 0 ? List.of()
                        : store.claim(targetConsumers, handlerMethods, n, clock.instant(), lease, claimPrefix);
                for (InboxEntry e : claimed) {
                    free.acquireUninterruptibly();
                    deliveries.execute(() -> {
                        try {
                            deliver(e, InboxStore.claimToken(claimPrefix, e.id()));
                        } catch (Throwable t) {
                            // never lose the delivery thread's permit; the lease brings the entry back
                            log.warn("inbox: delivery of entry {} broke ({})", e.id(), t.getClass().getName());
                        } finally {
                            free.release();
                            nudge();
                        }
                    });
                }
                if (claimed.isEmpty()) {
                    idle();
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("inbox: cannot claim entries ({}); trying again", e.getClass().getSimpleName());
                idle();
            }
        }
    }

    private void idle() {
        synchronized (wake) {
            if (!nudged && running) {
                try {
                    wake.wait(IDLE_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            nudged = false;
        }
    }

    /** Where an entry goes: a target's or an inbox handler's delivery; answers where it went. */
    @FunctionalInterface
    private interface Delivery {
        String deliver(InboxDelivery d) throws Exception;
    }

    /** A consumer's delivery and how long it may take. */
    private record Recipient(Delivery delivery, Duration timeout) {
    }

    private Recipient recipientFor(InboxEntry e) {
        if (InboxConsumer.HANDLER.equals(e.consumer())) {
            InboxHandler h = handlers.findInbox(e.method()).orElse(null);
            return h == null ? null : new Recipient(d -> {
                h.deliver(d);
                return "inbox handler " + h.name();
            }, deliveryTimeout);
        }
        Target t = InboxConsumer.targetName(e.consumer()).flatMap(targets::get).orElse(null);
        return t == null ? null : new Recipient(t::deliver, targetTimeouts.getOrDefault(e.consumer(), deliveryTimeout));
    }

    private void deliver(InboxEntry e, String claim) throws SQLException {
        Recipient to = recipientFor(e);
        if (to == null) {
            return; // cannot happen: only entries for this server's consumers are claimed
        }
        String consumer = e.consumer();
        if (e.attempts() > config.maxAttempts()) {
            // claimed again after a lease ran out on its last attempt (a server died, or a handler never returned):
            // its outcome is unknown, and its attempts are used up
            store.recordBatched(Outcome.failed(e.id(), claim,
                    "attempts used up; the outcome of the last delivery is unknown (its lease ran out)", clock.instant(),
                    true, clock.instant()));
            metrics.dead();
            return;
        }
        DeliveryDeadline guard = new DeliveryDeadline(Thread.currentThread());
        // on its own thread: a deadline must fire even while the database is slow
        ScheduledFuture<?> deadline = deadlines.schedule(guard::fire, to.timeout().toMillis(), TimeUnit.MILLISECONDS);
        Throwable failure = null;
        String deliveredTo = null;
        long started = System.nanoTime();
        try {
            // the wall clock, as QimenRequest.remaining() reads it
            Instant until = Instant.now().plus(to.timeout());
            deliveredTo = to.delivery().deliver(new InboxDelivery(e.id(), e.attempts(), e.businessKey(), request(e, until)));
        } catch (Throwable t) {
            failure = t;
        } finally {
            deadline.cancel(false);
        }
        boolean timedOut = guard.end(); // a late interrupt must not hit the store's I/O below
        long nanos = System.nanoTime() - started;
        Instant now = clock.instant();
        try {
            if (failure instanceof TargetUnavailableException && !timedOut) {
                Duration delay = unreachable(consumer, failure, now);
                store.recordBatched(Outcome.unavailable(e.id(), claim, "not delivered, no attempt used: "
                        + ErrorText.of(failure), now.plus(delay), now));
                metrics.unavailable(consumer, nanos);
                return;
            }
            reachable(consumer);
            if (failure == null) {
                String where = deliveredTo == null || deliveredTo.isBlank() ? InboxConsumer.describe(consumer) : deliveredTo;
                if (store.recordBatched(Outcome.done(e.id(), claim, where, now))) {
                    metrics.delivered(consumer, nanos);
                } else {
                    log.warn("inbox: entry {} was delivered after its lease ran out; another delivery may follow", e.id());
                }
                return;
            }
            boolean dead = e.attempts() >= config.maxAttempts();
            String error = describe(failure, timedOut ? to.timeout() : null);
            store.recordBatched(Outcome.failed(e.id(), claim, error,
                    now.plus(backoff(e.attempts(), InboxConfig.MAX_RETRY_DELAY)), dead, now));
            if (dead) {
                metrics.failed(consumer, nanos, true);
                log.warn("inbox: entry {} ({}, for the {}) is dead after {} attempt(s), last {}", e.id(), e.method(),
                        InboxConsumer.describe(consumer), e.attempts(), failure.getClass().getName());
            } else {
                metrics.failed(consumer, nanos, false);
                log.info("inbox: delivery {} of entry {} to the {} failed", e.attempts(), e.id(),
                        InboxConsumer.describe(consumer), Redacted.of(failure));
            }
        } catch (SQLException | RuntimeException ex) {
            // the lease runs out and the entry is claimed again: delivered at least once
            log.warn("inbox: cannot record the outcome of entry {} ({})", e.id(), ex.getClass().getSimpleName());
        }
    }

    /** A consumer that cannot be reached: since when, and how many deliveries found it so. */
    private record Outage(Instant since, int missed) {
    }

    /**
     * A delivery could not reach its consumer: how long its entry waits — as long as the outage has lasted so far, at
     * least the retry delay and at most {@link #MAX_UNAVAILABLE_DELAY}. The wait grows with the outage's length, not
     * with how many entries met it, so a blip of a second (a broker's reconnect) delays them by the retry delay only,
     * while a long outage is probed about once a minute. Logs the consumer's going down once, not per entry.
     */
    private Duration unreachable(String consumer, Throwable why, Instant now) {
        Outage o = unavailable.compute(consumer, (c, was) -> was == null ? new Outage(now, 1)
                : new Outage(was.since(), was.missed() + 1));
        if (o.missed() == 1) {
            log.warn("inbox: the {} is unavailable ({}); its entries wait for it without using attempts, tried again"
                    + " at least every {} s", InboxConsumer.describe(consumer), ErrorText.of(why),
                    MAX_UNAVAILABLE_DELAY.toSeconds());
        }
        Duration lasted = Duration.between(o.since(), now);
        Duration delay = lasted.compareTo(config.retryDelay()) < 0 ? config.retryDelay() : lasted;
        return delay.compareTo(MAX_UNAVAILABLE_DELAY) > 0 ? MAX_UNAVAILABLE_DELAY : delay;
    }

    /** A delivery reached its consumer (whatever it answered): logs its coming back once. */
    private void reachable(String consumer) {
        Outage o = unavailable.remove(consumer);
        if (o != null) {
            log.info("inbox: the {} is reachable again (after {} delivery(ies) that could not reach it)",
                    InboxConsumer.describe(consumer), o.missed());
        }
    }

    /** {@code retry * 2^(n-1)}, at most {@code cap}. */
    Duration backoff(int n, Duration cap) {
        Duration d = config.retryDelay();
        for (int i = 1; i < n && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }

    /**
     * The entry's last error: for the integrator reading the entry (the admin API), not for the log; masked as every
     * error the server shows ({@link ErrorText}). {@code timedOut}: the deadline that interrupted it, else null.
     */
    private static String describe(Throwable t, Duration timedOut) {
        if (timedOut != null) {
            return "no result within " + timedOut.toMillis() + " ms (" + t.getClass().getName() + ")";
        }
        String m = ErrorText.of(t);
        return m.length() > MAX_ERROR_LENGTH ? m.substring(0, MAX_ERROR_LENGTH) + "…" : m;
    }

    /**
     * The call as the handler would have seen it synchronously: signed parameters, exact body, parsed tree, the call's
     * id; due by {@code deadline}, when this delivery is interrupted.
     */
    static QimenRequest request(InboxEntry e, Instant deadline) throws QimenException {
        QimenRequestBuilder b = QimenRequest.builder(e.rawMethod()).callId(e.deliveryCallId()).deadline(deadline);
        e.params().forEach(b::param);
        byte[] body = e.body();
        ContentType type = ContentType.of(e.contentType(), body);
        JsonNode tree;
        if (type.kind() == ContentKind.FORM) {
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            Map<String, String> form = UrlEncoding.parseForm(new String(body, type.charset()), type.charset());
            form.forEach((k, v) -> {
                if (e.params().containsKey(k)) { // only what the signature covered
                    fields.put(k, v);
                }
            });
            tree = fields;
        } else if (type.kind() == ContentKind.NONE) {
            tree = MissingNode.getInstance();
        } else {
            tree = BodyParser.parse(type.kind(), body, type.charset());
        }
        return b.body(body, type.kind(), tree)
                .contentType(e.contentType(), type.charset())
                .remoteAddress(e.remote() == null ? "" : e.remote())
                .receivedAt(e.received())
                .build();
    }

    private void refreshGauges() {
        try {
            metrics.refresh(store.counts(), store.oldestPending());
            metrics.stranded(stranded());
        } catch (SQLException | RuntimeException e) {
            log.debug("inbox: cannot refresh gauges", e);
        }
    }

    /** Pending entries for a consumer this server does not have; warns once per consumer. */
    private long stranded() throws SQLException {
        Map<String, Long> missing = new TreeMap<>();
        for (InboxStore.PendingCount p : store.pendingByConsumer()) {
            if (!serves(p.consumer(), p.method())) {
                String who = InboxConsumer.HANDLER.equals(p.consumer()) ? "an inbox handler of " + p.method()
                        : InboxConsumer.describe(p.consumer());
                missing.merge(who, p.count(), Long::sum);
            }
        }
        missing.forEach((who, n) -> {
            if (warnedMissing.add(who)) {
                log.warn("inbox: {} pending entr(ies) are for {}, which this server does not have (removed from the"
                        + " configuration?): they stay pending until it is back, or are handled with the inbox API or"
                        + " 'inbox ack' (see qimen_inbox_stranded_entries)", n, who);
            }
        });
        return missing.values().stream().mapToLong(Long::longValue).sum();
    }

    private void purge() {
        try {
            int n = store.purge(clock.instant().minus(config.retention()));
            if (n > 0) {
                log.info("inbox: purged {} done or dead entr(ies) older than {} day(s)", n, config.retention().toDays());
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("inbox: purge failed ({})", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        running = false;
        nudge();
        if (poller != null) {
            try {
                poller.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(longestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                deliveries.shutdownNow();
            }
        } catch (InterruptedException e) {
            deliveries.shutdownNow();
            Thread.currentThread().interrupt();
        }
        housekeeping.shutdownNow();
        deadlines.shutdownNow();
    }
}
