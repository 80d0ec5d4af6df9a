package io.qimencallback.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.recent.RecentCalls;

/** Netty's aggregator (which answers 413 above the limit and closes), with the 413s counted and kept as recent calls. */
final class CountingAggregator extends HttpObjectAggregator {
    private final ServerMetrics metrics;
    private final RecentCalls recentCalls;

    CountingAggregator(int maxContentLength, ServerMetrics metrics, RecentCalls recentCalls) {
        super(maxContentLength, true);
        this.metrics = metrics;
        this.recentCalls = recentCalls;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        metrics.httpRejected(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
        RecentRejections.record(recentCalls, ctx, oversized, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
        super.handleOversizedMessage(ctx, oversized);
    }
}
