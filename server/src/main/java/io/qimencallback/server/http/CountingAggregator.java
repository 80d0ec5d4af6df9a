package io.qimencallback.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.qimencallback.server.metrics.ServerMetrics;

/** Netty's aggregator (which answers 413 above the limit and closes), with the 413s counted. */
final class CountingAggregator extends HttpObjectAggregator {
    private final ServerMetrics metrics;

    CountingAggregator(int maxContentLength, ServerMetrics metrics) {
        super(maxContentLength, true);
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        metrics.httpRejected(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
        super.handleOversizedMessage(ctx, oversized);
    }
}
