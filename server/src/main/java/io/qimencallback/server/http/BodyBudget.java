package io.qimencallback.server.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the body bytes the public port holds across all connections: counted from the first body byte received
 * (a body still trickling in counts), until the call that carries it is answered or its connection closes. The
 * configuration keeps the limit at least one maximal body, so one call always fits when nothing else is held.
 */
final class BodyBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    boolean tryAcquire(long bytes) {
        while (true) {
            long current = held.get();
            if (current + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Whether {@code bytes} more would fit now (an announced Content-Length, before any of it is read). */
    boolean fits(long bytes) {
        return held.get() + bytes <= limit;
    }

    void release(long bytes) {
        if (bytes > 0) {
            held.addAndGet(-bytes);
        }
    }

    long held() {
        return held.get();
    }
}
