package io.qimencallback.server.concurrent;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain JDK threads for pools that may block (handlers, deliveries, database housekeeping). Netty's
 * {@code DefaultThreadFactory} makes {@code FastThreadLocalThread}s, which Netty's BlockHound integration treats as
 * event-loop threads that must never block; these are not.
 */
public final class BlockingThreadFactory implements ThreadFactory {
    private final String prefix;
    private final boolean daemon;
    private final AtomicInteger next = new AtomicInteger(1);

    public BlockingThreadFactory(String prefix, boolean daemon) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.daemon = daemon;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + "-" + next.getAndIncrement());
        t.setDaemon(daemon);
        return t;
    }
}
