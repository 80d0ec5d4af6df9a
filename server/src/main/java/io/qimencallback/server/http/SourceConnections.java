package io.qimencallback.server.http;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * Open connections per source address, so that one client cannot take all of {@code max_connections}: a source at
 * its cap has further connections closed at once. Trusted reverse proxies carry every caller's calls and are held
 * only to the global cap.
 */
final class SourceConnections {
    private final int perSource;
    private final Predicate<String> exempt;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    SourceConnections(int perSource, Predicate<String> exempt) {
        this.perSource = perSource;
        this.exempt = exempt;
    }

    /** Counts the channel in when its source has room (and counts it out when it closes); false: refuse it. */
    boolean admit(Channel ch) {
        String source = source(ch);
        if (exempt.test(source)) {
            return true;
        }
        boolean[] admitted = {false};
        open.compute(source, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= perSource) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (admitted[0]) {
            ch.closeFuture().addListener(f -> open.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1));
        }
        return admitted[0];
    }

    private static String source(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "0.0.0.0";
    }
}
