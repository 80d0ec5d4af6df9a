package io.qimencallback.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.recent.RecentCalls;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request must arrive whole within a time of its first line; a client that trickles its headers or body (slowloris)
 * gets 408 and the connection is closed. Idle keep-alive connections are the idle timeout's business, not this one's.
 */
final class RequestReadTimeout extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private final ServerMetrics metrics;
    private final RecentCalls recentCalls;
    private ScheduledFuture<?> timer;
    /** The head of the request being read, for the recent calls; {@code null} before it is decoded. */
    private HttpRequest head;

    RequestReadTimeout(Duration timeout, ServerMetrics metrics, RecentCalls recentCalls) {
        this.timeoutNanos = timeout.toNanos();
        this.metrics = metrics;
        this.recentCalls = recentCalls;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest r && timer == null) {
            head = r;
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (msg instanceof LastHttpContent) {
            head = null;
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (Boolean.TRUE.equals(ctx.channel().attr(PublicChannelInitializer.BUSY).get())) {
            // a pipelined request waits behind a call in progress: its clock starts again, and no 408 overtakes
            // the answer of that call
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        if (ctx.channel().isActive()) {
            metrics.httpRejected(HttpResponseStatus.REQUEST_TIMEOUT.code());
            RecentRejections.record(recentCalls, ctx, head, HttpResponseStatus.REQUEST_TIMEOUT.code());
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.REQUEST_TIMEOUT);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
