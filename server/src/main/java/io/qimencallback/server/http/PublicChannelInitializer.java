package io.qimencallback.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The public port's pipeline: TLS when configured; the read deadline's clock (from a request's first byte); the
 * HTTP/1.1 codec with head-size limits (431/414); the end of the read deadline (408); an idle timeout; the body
 * budget (503, counted from the first body byte); the aggregator with the body limit (413); the Qimen handler.
 * Connections beyond {@code max_connections}, or beyond {@code max_connections_per_source} from one address, are
 * closed at once.
 */
public final class PublicChannelInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_INITIAL_LINE = 8192;
    /** True while a call of the channel is being processed; idle and drain closes leave such channels alone. */
    public static final AttributeKey<Boolean> BUSY = InOrderHttpHandler.BUSY;

    private final ServiceEndpoint endpoint;
    private final ChannelGroup channels;
    private final ConnectionLimits limits;
    private final BodyBudget budget;
    private final SourceConnections perSource;
    private final SslContext tls;

    /**
     * With {@code tls} non-null the port speaks HTTPS only.
     *
     * @param trustedProxy whether an address is a trusted reverse proxy (held to the global cap only)
     */
    public PublicChannelInitializer(ServiceEndpoint endpoint, ChannelGroup channels, ConnectionLimits limits,
                                    SslContext tls, Predicate<String> trustedProxy) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.budget = new BodyBudget(limits.maxInflightBytes());
        this.perSource = new SourceConnections(limits.maxConnectionsPerSource(), trustedProxy);
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (channels.size() >= limits.maxConnections()) {
            endpoint.metrics().connectionRefused();
            ch.close();
            return;
        }
        if (!perSource.admit(ch)) {
            endpoint.metrics().connectionRefusedPerSource();
            ch.close();
            return;
        }
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        RequestReadTimeout readTimeout = new RequestReadTimeout(limits.readTimeout(), endpoint.metrics(),
                endpoint.recentCalls());
        p.addLast("read-clock", readTimeout.head());
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(limits.maxHeaderBytes())));
        p.addLast("read-timeout", readTimeout.tail());
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("budget", new BodyBudgetGate(budget, endpoint.metrics()));
        p.addLast("aggregator", new CountingAggregator(limits.maxBodyBytes(), endpoint.metrics(), endpoint.recentCalls()));
        p.addLast("qimen", new QimenHttpHandler(endpoint, budget, limits.maxBodyBytes()));
    }

    /** Body bytes held now across all connections (received, and not yet answered). */
    public long bodyBytesHeld() {
        return budget.held();
    }
}
