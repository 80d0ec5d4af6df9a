package io.qimencallback.server.call;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls seen within the timestamp window, by app and signature, so that a replay — the same request again, or one
 * re-split so that it signs the same ({@code customerIdCUST=001} for {@code customerId=CUST001}) — is answered what
 * the first was and never handled or stored twice. A signature covers the timestamp, so two genuine calls never share
 * one; a replay outside the window fails the timestamp check instead. Answers the server could not give
 * ({@code system-error}, {@code overloaded}, {@code handler-timeout}) are forgotten, so that the gateway's retry runs
 * again. Bounded: at most {@code perApp} entries per app key; past that the oldest is forgotten (counted and warned).
 */
public final class ReplayGuard {
    private static final Logger log = LoggerFactory.getLogger(ReplayGuard.class);

    private final int perApp;
    private final Clock clock;
    private final ConcurrentMap<String, Window> apps = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong lastWarnMillis = new AtomicLong();

    /** @param perApp signatures kept per app key; 0 turns the guard off (benchmarks that repeat one signed call) */
    public ReplayGuard(int perApp, Clock clock) {
        if (perApp < 0) {
            throw new IllegalArgumentException("perApp must not be negative");
        }
        this.perApp = perApp;
        this.clock = clock;
    }

    /** A guard that remembers nothing. */
    public static ReplayGuard off() {
        return new ReplayGuard(0, Clock.systemUTC());
    }

    /** The earlier call's answer for this signature, or {@code null} when none is remembered. */
    public CompletableFuture<QimenResponse> earlier(String appKey, String sign) {
        if (perApp == 0) {
            return null;
        }
        Window w = apps.get(appKey);
        return w == null ? null : w.get(sign, clock.instant());
    }

    /**
     * Claims a new call's signature until {@code expires} with its answer to come; returns the earlier answer
     * instead when another call claimed it first (the two raced).
     */
    public CompletableFuture<QimenResponse> remember(String appKey, String sign, Instant expires,
                                                     CompletableFuture<QimenResponse> answer) {
        if (perApp == 0) {
            return null;
        }
        Window w = apps.computeIfAbsent(appKey, k -> new Window());
        CompletableFuture<QimenResponse> first = w.putIfAbsent(sign, expires, answer, clock.instant());
        if (first != null) {
            return first;
        }
        answer.whenComplete((r, e) -> {
            if (e != null || r == null || retryable(r)) {
                w.remove(sign, answer);
            }
        });
        return null;
    }

    private static boolean retryable(QimenResponse r) {
        String code = r.code();
        return !r.isSuccess() && (ErrorCode.SYSTEM_ERROR.code().equals(code) || ErrorCode.OVERLOADED.code().equals(code)
                || ErrorCode.HANDLER_TIMEOUT.code().equals(code));
    }

    /** Entries forgotten before their time because an app's window was full. */
    public long evictions() {
        return evictions.get();
    }

    private record Seen(Instant expires, CompletableFuture<QimenResponse> answer) {
    }

    /** One app's signatures in arrival order (close to expiry order: a timestamp is near its arrival). */
    private final class Window {
        private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();

        synchronized CompletableFuture<QimenResponse> get(String sign, Instant now) {
            Seen s = seen.get(sign);
            return s == null || s.expires.isBefore(now) ? null : s.answer;
        }

        synchronized CompletableFuture<QimenResponse> putIfAbsent(String sign, Instant expires,
                                                                  CompletableFuture<QimenResponse> answer, Instant now) {
            expire(now);
            Seen s = seen.get(sign);
            if (s != null && !s.expires.isBefore(now)) {
                return s.answer;
            }
            if (seen.size() >= perApp) {
                Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator();
                it.next();
                it.remove();
                evicted();
            }
            seen.put(sign, new Seen(expires, answer));
            return null;
        }

        synchronized void remove(String sign, CompletableFuture<QimenResponse> answer) {
            Seen s = seen.get(sign);
            if (s != null && s.answer == answer) {
                seen.remove(sign);
            }
        }

        /** Drops the expired entries at the head: cheap, and what is left expires soon after. */
        private void expire(Instant now) {
            Iterator<Seen> it = seen.values().iterator();
            for (int i = 0; i < 64 && it.hasNext(); i++) {
                if (!it.next().expires.isBefore(now)) {
                    return;
                }
                it.remove();
            }
        }
    }

    private void evicted() {
        long n = evictions.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastWarnMillis.get();
        if (now - last > 60_000 && lastWarnMillis.compareAndSet(last, now)) {
            log.warn("replay cache full ({} entries for one app): the oldest signatures are forgotten early ({} so far);"
                    + " raise replay_cache_entries to cover the calls of one timestamp window", perApp, n);
        }
    }
}
