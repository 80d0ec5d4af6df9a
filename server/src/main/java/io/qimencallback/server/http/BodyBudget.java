package io.qimencallback.server.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the body bytes held by calls that are received and not yet answered, so that a full worker queue of large
 * bodies cannot exhaust the heap. A call that does not fit is answered {@code overloaded}; one call is always let in
 * when nothing else is held, whatever its size (the body limit bounds that).
 */
final class BodyBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    boolean tryAcquire(int bytes) {
        while (true) {
            long current = held.get();
            if (current > 0 && current + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(int bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }
}
