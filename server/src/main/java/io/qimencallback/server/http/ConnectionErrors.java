package io.qimencallback.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.qimencallback.server.metrics.ServerMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connection's error does, on both ports: the connection is closed. Resets and half-sent requests are the
 * client's business (debug, so that a hostile client cannot flood the log); a failed allocation is the server's
 * (warn, at most once a second, with the count, and metered): the offending connection goes, the event loop goes on.
 */
final class ConnectionErrors {
    private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);
    private static final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - 2_000_000_000L);

    private ConnectionErrors() {
    }

    /** @param metrics where an out-of-memory close is counted; {@code null} on the admin port (it has no meters of its own) */
    static void close(ChannelHandlerContext ctx, Throwable cause, ServerMetrics metrics) {
        if (outOfMemory(cause)) {
            if (metrics != null) {
                metrics.outOfMemory();
            }
            long now = System.nanoTime();
            long last = lastWarnNanos.get();
            if (now - last > 1_000_000_000L && lastWarnNanos.compareAndSet(last, now)) {
                log.warn("out of memory serving a connection from {} ({}): closed it; {} such closes so far"
                                + " (qimen_out_of_memory_total) — lower max_connections, max_inflight_bytes or raise"
                                + " the heap / MaxDirectMemorySize", QimenHttpHandler.peer(ctx), cause.getMessage(),
                        metrics == null ? "?" : metrics.outOfMemoryCount());
            }
        } else {
            log.debug("closing connection from {} after {}", QimenHttpHandler.peer(ctx), cause.toString());
        }
        ctx.close();
    }

    private static boolean outOfMemory(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
