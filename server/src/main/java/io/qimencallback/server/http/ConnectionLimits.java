package io.qimencallback.server.http;

import io.qimencallback.server.config.ServerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * What one client may cost the public port.
 *
 * @param maxHeaderBytes   request head, else 431
 * @param maxBodyBytes     request body, else 413
 * @param maxInflightBytes body bytes of all calls received and not yet answered, else {@code overloaded}
 * @param maxConnections   open connections; further ones are closed at once
 * @param maxConnectionsPerSource open connections from one address (trusted proxies: only the global cap)
 * @param readTimeout      a request must arrive whole within this time of its first byte, else 408
 * @param idleTimeout      idle keep-alive connections are closed after this
 */
public record ConnectionLimits(int maxHeaderBytes, int maxBodyBytes, long maxInflightBytes, int maxConnections,
                               int maxConnectionsPerSource, Duration readTimeout, Duration idleTimeout) {
    public ConnectionLimits {
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    public static ConnectionLimits of(ServerConfig c) {
        return new ConnectionLimits(c.maxHeaderBytes(), c.maxBodyBytes(), c.maxInflightBytes(), c.maxConnections(),
                c.maxConnectionsPerSource(), c.readTimeout(), c.idleTimeout());
    }
}
