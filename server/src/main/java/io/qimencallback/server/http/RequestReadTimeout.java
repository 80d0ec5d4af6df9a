package io.qimencallback.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.qimencallback.server.metrics.ServerMetrics;
import io.qimencallback.server.recent.RecentCalls;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request must arrive whole within the read timeout of its <em>first byte</em>, head or body: a client that trickles
 * its request line, headers or body (slowloris) gets 408 and the connection is closed. Two pipeline entries share the
 * clock: {@link #head()} before the HTTP codec sees the raw bytes (the clock starts), {@link #tail()} after it sees
 * the end of each request (the clock stops). A request that arrives within one read never schedules a timer: the
 * timer is set only when a read ends with a request still incomplete. While the connection is busy with a call the
 * server does not read, so a waiting request's clock starts again instead of overtaking that call's answer with 408.
 * Idle keep-alive connections are the idle timeout's business, not this one's.
 */
final class RequestReadTimeout {
    private final long timeoutNanos;
    private final ServerMetrics metrics;
    private final RecentCalls recentCalls;
    /** When the first byte of the request being received arrived; 0 when none is in progress. */
    private long startedNanos;
    private ScheduledFuture<?> timer;
    /** The head of the request being read, for the recent calls; {@code null} before it is decoded. */
    private HttpRequest head;
    /** Where the 408 is written from: after the codec, so that it is encoded. */
    private ChannelHandlerContext tailCtx;

    RequestReadTimeout(Duration timeout, ServerMetrics metrics, RecentCalls recentCalls) {
        this.timeoutNanos = timeout.toNanos();
        this.metrics = metrics;
        this.recentCalls = recentCalls;
    }

    /** Before the codec: raw bytes start the clock. */
    ChannelInboundHandlerAdapter head() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (startedNanos == 0 && msg instanceof ByteBuf b && b.isReadable()) {
                    startedNanos = System.nanoTime();
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                if (startedNanos != 0 && timer == null) {
                    long left = timeoutNanos - (System.nanoTime() - startedNanos);
                    timer = ctx.executor().schedule(() -> expire(ctx), Math.max(0, left), TimeUnit.NANOSECONDS);
                }
                ctx.fireChannelReadComplete();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    /** After the codec: the end of a request stops the clock. */
    ChannelInboundHandlerAdapter tail() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                tailCtx = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest r) {
                    head = r;
                }
                if (msg instanceof LastHttpContent) {
                    head = null;
                    startedNanos = 0;
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (startedNanos == 0 || !ctx.channel().isActive()) {
            return;
        }
        if (Boolean.TRUE.equals(ctx.channel().attr(InOrderHttpHandler.BUSY).get())) {
            // the server is not reading while a call of this connection is in progress: the waiting request's clock
            // starts again, and no 408 overtakes the answer of that call
            startedNanos = System.nanoTime();
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        metrics.httpRejected(HttpResponseStatus.REQUEST_TIMEOUT.code());
        RecentRejections.record(recentCalls, ctx, head, HttpResponseStatus.REQUEST_TIMEOUT.code());
        ctx.channel().config().setAutoRead(false);
        HttpResponses.sendAndClose(tailCtx, HttpResponseStatus.REQUEST_TIMEOUT);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
