package io.qimencallback.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.ResponseWriter;
import io.qimencallback.protocol.http.HeaderLookup;
import io.qimencallback.protocol.http.RawRequest;
import io.qimencallback.server.call.AccessLog;
import io.qimencallback.server.call.CallContext;
import io.qimencallback.server.recent.RecentCalls;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service path. The event loop only routes, copies the body once out of Netty's buffers and hands the call to a
 * worker; checks and handlers run there. One call per connection at a time: reading pauses until the answer is
 * written, and requests already decoded from the same read (HTTP pipelining) wait in order, so answers leave in the
 * order the requests came.
 */
final class QimenHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(QimenHttpHandler.class);
    private static final AttributeKey<Boolean> BUSY = PublicChannelInitializer.BUSY;

    /** Pipelined requests a connection may have waiting behind the one being processed. */
    static final int MAX_PIPELINED = 16;
    private static final byte[] SYSTEM_ERROR_XML = ResponseWriter.render(QimenResponse.failure(ErrorCode.SYSTEM_ERROR),
            ResponseFormat.XML);
    private static final byte[] SYSTEM_ERROR_JSON = ResponseWriter.render(QimenResponse.failure(ErrorCode.SYSTEM_ERROR),
            ResponseFormat.JSON);

    private final ServiceEndpoint endpoint;
    private final BodyBudget budget;
    private final long maxPipelinedBytes;
    /** Requests decoded while a call was in progress; touched on the event loop only. */
    private final Deque<FullHttpRequest> pipelined = new ArrayDeque<>();
    private long pipelinedBytes;
    private boolean busy;
    /** A close is pending (an answer without keep-alive, a rejected request): serve nothing more. */
    private boolean closing;
    /** The call being processed, if any. */
    private CallContext current;

    QimenHttpHandler(ServiceEndpoint endpoint, BodyBudget budget, long maxPipelinedBytes) {
        this.endpoint = endpoint;
        this.budget = budget;
        this.maxPipelinedBytes = maxPipelinedBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (busy) {
            // reading is paused, but requests already decoded from the last read still arrive: hold a few, in order;
            // a client that pipelines more than that (or more bytes than one body may have) is cut off
            if (pipelined.size() >= MAX_PIPELINED || pipelinedBytes + req.content().readableBytes() > maxPipelinedBytes) {
                log.debug("closing connection from {}: too many pipelined requests", peer(ctx));
                releasePipelined();
                ctx.close();
                return;
            }
            pipelinedBytes += req.content().readableBytes();
            pipelined.add(req.retain());
            return;
        }
        serve(ctx, req);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
        DecoderResult decoded = req.decoderResult();
        if (decoded.isFailure()) {
            reject(ctx, req, badRequestStatus(decoded.cause()));
            return;
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (!path.equals(endpoint.path()) && !path.equals(endpoint.path() + "/")) {
            answerHttp(ctx, req, HttpResponses.text(req.protocolVersion(), HttpResponseStatus.NOT_FOUND, "Not Found"));
            return;
        }
        if (!req.method().equals(HttpMethod.POST) && !req.method().equals(HttpMethod.GET)) {
            FullHttpResponse r = HttpResponses.text(req.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "use POST (or GET)");
            r.headers().set(HttpHeaderNames.ALLOW, "POST, GET");
            answerHttp(ctx, req, r);
            return;
        }
        String rawQuery = q < 0 ? "" : stripFragment(uri.substring(q + 1));
        RawRequest raw = new RawRequest(req.method().name(), rawQuery, headers(req.headers()),
                ByteBufUtil.getBytes(req.content()), peer(ctx), Instant.now());
        dispatch(ctx, new CallContext(raw, System.nanoTime()), req.protocolVersion(), HttpUtil.isKeepAlive(req));
    }

    private void dispatch(ChannelHandlerContext ctx, CallContext call, HttpVersion version, boolean keepAlive) {
        int size = call.raw().body().length;
        busy = true;
        ctx.channel().attr(BUSY).set(Boolean.TRUE);
        ctx.channel().config().setAutoRead(false);
        current = call;
        endpoint.metrics().callStarted();
        if (!budget.tryAcquire(size)) {
            call.onEnd(endpoint.metrics()::callEnded);
            answer(ctx, call, QimenResponse.failure(ErrorCode.OVERLOADED), version, keepAlive);
            return;
        }
        call.onEnd(() -> {
            budget.release(size);
            endpoint.metrics().callEnded();
        });
        try {
            call.work(endpoint.workers().submit(() -> answer(ctx, call, endpoint.processor().process(call), version,
                    keepAlive)));
        } catch (RejectedExecutionException e) {
            answer(ctx, call, QimenResponse.failure(ErrorCode.OVERLOADED), version, keepAlive);
            return;
        }
        long remaining = endpoint.deadline().toNanos() - (System.nanoTime() - call.startNanos());
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
            if (call.claimAnswer()) {
                call.cancelWork(); // claimed first, so a worker that has just answered is never interrupted
                deliver(ctx, call, QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT), version, keepAlive);
            }
        }, Math.max(0, remaining), TimeUnit.NANOSECONDS);
        call.timer(timer);
        if (call.isAnswered()) {
            timer.cancel(false); // the worker answered before the timer was known to it
        }
    }

    /** Called from a worker or the event loop; only the first caller (of this and the timer) answers. */
    private void answer(ChannelHandlerContext ctx, CallContext call, QimenResponse response, HttpVersion version,
                        boolean keepAlive) {
        if (call.claimAnswer()) {
            deliver(ctx, call, response, version, keepAlive);
        }
    }

    /**
     * Renders, times and logs the claimed answer where it was computed; one task then hands it to the event loop,
     * which cancels the timer (no cross-thread cancellation) and writes. Whatever fails here, an answer is still sent:
     * a claimed call that sent nothing would hold its connection for ever.
     */
    private void deliver(ChannelHandlerContext ctx, CallContext call, QimenResponse response, HttpVersion version,
                         boolean keepAlive) {
        byte[] body;
        try {
            body = ResponseWriter.render(response, call.format());
            long nanos = System.nanoTime() - call.startNanos();
            endpoint.metrics().callFinished(call.methodTag(), response, nanos);
            AccessLog.record(call, response, nanos, body.length);
        } catch (Throwable t) {
            log.error("cannot render or record the answer of {}", call.methodTag(), t);
            body = call.format() == ResponseFormat.XML ? SYSTEM_ERROR_XML : SYSTEM_ERROR_JSON;
        }
        // references only, no copy under 64 KiB, never throws: the console costs the call next to nothing
        if (endpoint.recentCalls().enabled()) {
            endpoint.recentCalls().record(call.raw(), new RecentCalls.Outcome(call.method(), call.appKey(),
                    call.customerId(), response.isSuccess() ? QimenResponse.SUCCESS : response.code(),
                    response.message(), call.clientAddress(), call.format().name().toLowerCase(Locale.ROOT)),
                    System.nanoTime() - call.startNanos(), body);
        }
        byte[] rendered = body;
        if (ctx.executor().inEventLoop()) {
            send(ctx, call, rendered, version, keepAlive);
        } else {
            try {
                ctx.executor().execute(() -> send(ctx, call, rendered, version, keepAlive));
            } catch (RejectedExecutionException e) {
                call.end(); // the event loop is gone: the server is stopping and the connection with it
            }
        }
    }

    private void send(ChannelHandlerContext ctx, CallContext call, byte[] body, HttpVersion version, boolean keepAlive) {
        try {
            call.cancelTimer();
            FullHttpResponse r = HttpResponses.of(version, HttpResponseStatus.OK, call.format().contentType(), body);
            write(ctx, r, keepAlive).addListener(f -> {  // listeners run on the event loop
                call.end();
                next(ctx);
            });
        } catch (RuntimeException e) {
            // nothing can be sent on this connection any more: give back what the call holds and drop it
            log.error("cannot write an answer; closing the connection", e);
            call.end();
            ctx.close();
        }
    }

    /** After an answer is written: the next pipelined request, or back to reading the socket. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        ctx.channel().attr(BUSY).set(Boolean.FALSE);
        if (!ctx.channel().isActive()) {
            releasePipelined();
            return;
        }
        FullHttpRequest req;
        while (!busy && !closing && (req = pipelined.poll()) != null) {
            pipelinedBytes -= req.content().readableBytes();
            try {
                serve(ctx, req);
            } finally {
                req.release();
            }
        }
        if (closing) {
            releasePipelined();
        } else if (!busy) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releasePipelined() {
        FullHttpRequest req;
        while ((req = pipelined.poll()) != null) {
            req.release();
        }
        pipelinedBytes = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePipelined();
        super.channelInactive(ctx);
    }

    private ChannelFuture write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        boolean keep = keepAlive && !endpoint.draining().getAsBoolean();
        HttpUtil.setKeepAlive(r, keep);
        ChannelFuture f = ctx.writeAndFlush(r);
        if (!keep) {
            closing = true;
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }

    private void answerHttp(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        endpoint.metrics().httpRejected(r.status().code());
        RecentRejections.record(endpoint.recentCalls(), ctx, req, r.status().code());
        write(ctx, r, HttpUtil.isKeepAlive(req));
    }


    private void reject(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status) {
        closing = true;
        endpoint.metrics().httpRejected(status.code());
        RecentRejections.record(endpoint.recentCalls(), ctx, req, status.code());
        HttpResponses.sendAndClose(ctx, status);
    }

    private static HttpResponseStatus badRequestStatus(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    static HeaderLookup headers(HttpHeaders h) {
        return new HeaderLookup() {
            @Override
            public String get(String name) {
                return h.get(name);
            }

            @Override
            public List<String> getAll(String name) {
                return h.getAll(name);
            }
        };
    }

    static String stripFragment(String query) {
        int hash = query.indexOf('#');
        return hash < 0 ? query : query.substring(0, hash);
    }

    static String peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "0.0.0.0";
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // idle and not busy; or busy with an answer the client has not taken in a whole idle period (its receive
        // window stays shut): either way the connection only holds resources
        if (evt instanceof IdleStateEvent && (!busy || current != null && current.isAnswered())) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets, half-sent requests and the like are the client's business; at debug so a hostile client cannot flood the log
        log.debug("closing connection from {} after {}", peer(ctx), cause.toString());
        ctx.close();
    }
}
