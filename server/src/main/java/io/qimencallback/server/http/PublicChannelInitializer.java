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

/**
 * The public port's pipeline: TLS when configured, then HTTP/1.1 codec with head-size limits (431/414 from the decoder), a whole-request read
 * deadline (408), the aggregator with the body limit (413), an idle timeout, then the Qimen handler.
 */
public final class PublicChannelInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_INITIAL_LINE = 8192;
    /** True while a call of the channel is being processed; idle and drain closes leave such channels alone. */
    public static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("qimen.busy");

    private final ServiceEndpoint endpoint;
    private final ChannelGroup channels;
    private final ConnectionLimits limits;
    private final BodyBudget budget;
    private final SslContext tls;

    /** With {@code tls} non-null the port speaks HTTPS only. */
    public PublicChannelInitializer(ServiceEndpoint endpoint, ChannelGroup channels, ConnectionLimits limits,
                                    SslContext tls) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.budget = new BodyBudget(limits.maxInflightBytes());
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (channels.size() >= limits.maxConnections()) {
            endpoint.metrics().connectionRefused();
            ch.close();
            return;
        }
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(limits.maxHeaderBytes())));
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("read-timeout", new RequestReadTimeout(limits.readTimeout(), endpoint.metrics(), endpoint.recentCalls()));
        p.addLast("aggregator", new CountingAggregator(limits.maxBodyBytes(), endpoint.metrics(), endpoint.recentCalls()));
        p.addLast("qimen", new QimenHttpHandler(endpoint, budget, limits.maxBodyBytes()));
    }
}
