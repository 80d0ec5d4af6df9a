package io.qimencallback.server.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One request at a time per connection, answers in request order, and outbound bytes bounded: the pipelining rules of
 * both ports, in one place.
 *
 * <ul>
 *   <li>A request is served only once the previous answer has been written to the socket, so a client that never
 *       reads holds at most one answer in the server (the rest waits in its own kernel buffers, then not at all).</li>
 *   <li>Reading pauses only when a second request arrives while one is in progress (the common keep-alive client
 *       never pays for it); requests already decoded from the same read wait in order, up to {@code maxWaiting}
 *       requests and {@code maxWaitingBytes} of bodies. Beyond that the ones already accepted are still answered,
 *       the last with {@code Connection: close}, and the rest are dropped unanswered (RFC 9112 §9.3.2: the client
 *       retries them).</li>
 *   <li>After the client half-closes, what was accepted is answered, then the connection is closed.</li>
 * </ul>
 *
 * Subclasses implement {@link #serve} and answer each request exactly once with {@link #respond}, on the event loop.
 * Everything here runs on the channel's event loop.
 */
abstract class InOrderHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** True while a request of the channel is being served or answered; idle and drain closes leave it alone. */
    static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("qimen.busy");
    /** Fired by a handler before this one: close after the answer in progress (a request behind it was refused). */
    static final Object CLOSE_AFTER_CURRENT = new Object() {
        @Override
        public String toString() {
            return "CLOSE_AFTER_CURRENT";
        }
    };

    private final int maxWaiting;
    private final long maxWaitingBytes;
    private final Deque<FullHttpRequest> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** A request is being served, or its answer is being written. */
    private boolean busy;
    /** Reading was paused here (and is resumed here). */
    private boolean paused;
    /** No request after the waiting ones is served: the last answer closes the connection. */
    private boolean closeAfterWaiting;
    /** The connection is closing: serve nothing more. */
    private boolean closing;

    InOrderHttpHandler(int maxWaiting, long maxWaitingBytes) {
        this.maxWaiting = maxWaiting;
        this.maxWaitingBytes = maxWaitingBytes;
    }

    /** Serves one request; must lead to exactly one {@link #respond} (now or later, on the event loop). */
    protected abstract void serve(ChannelHandlerContext ctx, FullHttpRequest req);

    /** Gives back what a request that is dropped (never served) held. */
    protected void dropped(FullHttpRequest req) {
    }

    /** Whether the server is draining: answers then close their connection. */
    protected boolean draining() {
        return false;
    }

    /** True while a request of this connection is being served or answered. */
    protected final boolean busy() {
        return busy;
    }

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (closing) {
            dropped(req);
            return;
        }
        if (!busy) {
            start(ctx, req);
            return;
        }
        pause(ctx);
        int size = req.content().readableBytes();
        if (closeAfterWaiting || waiting.size() >= maxWaiting || waitingBytes + size > maxWaitingBytes) {
            // too much pipelined: what was accepted is answered, the rest is left to the client to send again
            closeAfterWaiting = true;
            dropped(req);
            return;
        }
        waitingBytes += size;
        waiting.add(req.retain());
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest req) {
        busy = true;
        ctx.channel().attr(BUSY).set(Boolean.TRUE);
        serve(ctx, req);
    }

    /**
     * Writes the answer of the request being served; the next request is served once it is on the socket. Keep-alive
     * as the request asked, unless the server drains or the connection must close after this answer.
     */
    protected final void respond(ChannelHandlerContext ctx, FullHttpResponse answer, boolean keepAlive) {
        respond(ctx, answer, keepAlive, null);
    }

    /** As {@link #respond(ChannelHandlerContext, FullHttpResponse, boolean)}; {@code written} runs once it is written (or failed). */
    protected final void respond(ChannelHandlerContext ctx, FullHttpResponse answer, boolean keepAlive, Runnable written) {
        boolean keep = keepAlive && !closing && !draining() && !(closeAfterWaiting && waiting.isEmpty());
        HttpUtil.setKeepAlive(answer, keep);
        if (!keep) {
            answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closing = true;
        }
        Runnable then = written;
        ChannelFuture future = ctx.writeAndFlush(answer);
        future.addListener(f -> {
            if (then != null) {
                then.run();
            }
            written(ctx, f.isSuccess(), keep);
        });
    }

    private void written(ChannelHandlerContext ctx, boolean success, boolean keep) {
        busy = false;
        ctx.channel().attr(BUSY).set(Boolean.FALSE);
        if (!success || !keep || !ctx.channel().isActive()) {
            closing = true;
            releaseWaiting();
            ctx.close();
            return;
        }
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            waitingBytes -= next.content().readableBytes();
            try {
                start(ctx, next);
            } finally {
                next.release();
            }
            return;
        }
        if (closeAfterWaiting) {
            closing = true;
            ctx.close();
        } else if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void pause(ChannelHandlerContext ctx) {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void releaseWaiting() {
        FullHttpRequest req;
        while ((req = waiting.poll()) != null) {
            dropped(req);
            req.release();
        }
        waitingBytes = 0;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == CLOSE_AFTER_CURRENT) {
            closeAfterWaiting = true;
            pause(ctx);
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            // half-closed: answer what was accepted, then close (a cut-off request after it is dropped by the codec)
            closeAfterWaiting = true;
            if (!busy) {
                closing = true;
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        releaseWaiting();
        super.channelInactive(ctx);
    }
}
