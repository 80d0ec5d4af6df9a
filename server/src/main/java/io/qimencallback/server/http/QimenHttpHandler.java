package io.qimencallback.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
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
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.internal.http.HeaderLookup;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.server.call.AccessLog;
import io.qimencallback.server.call.CallContext;
import io.qimencallback.server.call.CallExchange;
import io.qimencallback.server.recent.RecentCalls;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service path. A call whose body is at most {@code event_loop_body_limit} is verified on the event loop that read
 * it; a non-blocking handler answers it there too, with no thread hand-off and no timer. A blocking handler runs on a
 * worker, an asynchronous one on its own client, the inbox commits on its writer: those calls get a deadline timer and
 * are answered on the event loop when their stage completes. Larger bodies are verified on a worker, so that hashing
 * megabytes never stalls I/O. Pipelining, order and backpressure: {@link InOrderHttpHandler}.
 */
final class QimenHttpHandler extends InOrderHttpHandler {
    private static final Logger log = LoggerFactory.getLogger(QimenHttpHandler.class);

    /** Pipelined requests a connection may have waiting behind the one being served. */
    static final int MAX_PIPELINED = 16;
    private static final byte[] SYSTEM_ERROR_XML = ResponseWriter.render(QimenResponse.failure(ErrorCode.SYSTEM_ERROR),
            ResponseFormat.XML);
    private static final byte[] SYSTEM_ERROR_JSON = ResponseWriter.render(QimenResponse.failure(ErrorCode.SYSTEM_ERROR),
            ResponseFormat.JSON);

    private final ServiceEndpoint endpoint;
    private final BodyBudget budget;
    /** The call being served, if any (event loop only). */
    private CallExchange current;

    QimenHttpHandler(ServiceEndpoint endpoint, BodyBudget budget, long maxPipelinedBytes) {
        super(MAX_PIPELINED, maxPipelinedBytes);
        this.endpoint = endpoint;
        this.budget = budget;
    }

    @Override
    protected boolean draining() {
        return endpoint.draining().getAsBoolean();
    }

    @Override
    protected void dropped(FullHttpRequest req) {
        budget.release(req.content().readableBytes());
    }

    @Override
    protected void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
        int size = req.content().readableBytes();
        DecoderResult decoded = req.decoderResult();
        if (decoded.isFailure()) {
            budget.release(size);
            reject(ctx, req, badRequestStatus(decoded.cause()));
            return;
        }
        String uri = originForm(req.uri());
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (!path.equals(endpoint.path()) && !path.equals(endpoint.path() + "/")) {
            budget.release(size);
            answerHttp(ctx, req, HttpResponses.text(req.protocolVersion(), HttpResponseStatus.NOT_FOUND, "Not Found"));
            return;
        }
        if (!req.method().equals(HttpMethod.POST) && !req.method().equals(HttpMethod.GET)) {
            budget.release(size);
            FullHttpResponse r = HttpResponses.text(req.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "use POST (or GET)");
            r.headers().set(HttpHeaderNames.ALLOW, "POST, GET");
            answerHttp(ctx, req, r);
            return;
        }
        String rawQuery = q < 0 ? "" : stripFragment(uri.substring(q + 1));
        RawRequest raw = new RawRequest(req.method().name(), rawQuery, headers(req.headers()),
                ByteBufUtil.getBytes(req.content()), peer(ctx), Instant.now());
        call(ctx, new CallContext(raw, System.nanoTime()), size, req.protocolVersion(), HttpUtil.isKeepAlive(req));
    }

    private void call(ChannelHandlerContext ctx, CallContext call, int size, HttpVersion version, boolean keepAlive) {
        CallExchange exchange = new CallExchange();
        current = exchange;
        endpoint.metrics().callStarted();
        exchange.onEnd(() -> {
            budget.release(size);
            endpoint.metrics().callEnded();
        });
        CompletableFuture<QimenResponse> answer;
        if (size <= endpoint.eventLoopBodyLimit()) {
            answer = endpoint.processor().process(call, exchange, endpoint.workers(), false);
        } else {
            answer = new CompletableFuture<>();
            try {
                CompletableFuture<QimenResponse> result = answer;
                exchange.work(endpoint.workers().submit(() -> endpoint.processor()
                        .process(call, exchange, endpoint.workers(), true)
                        .whenComplete((r, e) -> result.complete(r != null ? r : QimenResponse.failure(ErrorCode.SYSTEM_ERROR)))));
            } catch (RejectedExecutionException e) {
                answer.complete(QimenResponse.failure(ErrorCode.OVERLOADED));
            }
        }
        if (answer.isDone()) {
            // answered where it was read: no timer, no hand-off
            finish(ctx, call, exchange, answer.getNow(null), version, keepAlive);
            return;
        }
        long remaining = endpoint.deadline().toNanos() - (System.nanoTime() - call.startNanos());
        exchange.timer(ctx.executor().schedule(() -> {
            if (exchange.claimAnswer()) {
                endpoint.processor().timedOut(call, exchange); // where the handler is stuck, before the interrupt
                exchange.cancelWork(); // claimed first, so work that has just answered is never interrupted
                deliver(ctx, call, exchange, QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT), version, keepAlive);
            }
        }, Math.max(0, remaining), TimeUnit.NANOSECONDS));
        answer.whenComplete((r, e) -> {
            QimenResponse response = r != null ? r : QimenResponse.failure(ErrorCode.SYSTEM_ERROR);
            if (ctx.executor().inEventLoop()) {
                finish(ctx, call, exchange, response, version, keepAlive);
            } else {
                try {
                    ctx.executor().execute(() -> finish(ctx, call, exchange, response, version, keepAlive));
                } catch (RejectedExecutionException stopped) {
                    exchange.end(); // the event loop is gone: the server is stopping and the connection with it
                }
            }
        });
    }

    /** On the event loop: the work's answer, unless the deadline answered first. */
    private void finish(ChannelHandlerContext ctx, CallContext call, CallExchange exchange, QimenResponse response,
                        HttpVersion version, boolean keepAlive) {
        if (exchange.claimAnswer()) {
            exchange.cancelTimer();
            deliver(ctx, call, exchange, response, version, keepAlive);
        }
    }

    /**
     * Renders, times, logs and writes the claimed answer (on the event loop). Whatever fails here, an answer is still
     * sent: a claimed call that sent nothing would hold its connection for ever.
     */
    private void deliver(ChannelHandlerContext ctx, CallContext call, CallExchange exchange, QimenResponse response,
                         HttpVersion version, boolean keepAlive) {
        byte[] body;
        try {
            body = ResponseWriter.render(response, call.format());
            long nanos = System.nanoTime() - call.startNanos();
            endpoint.metrics().callFinished(call.methodTag(), call.routeTag(), response, nanos);
            AccessLog.record(call, response, nanos, body.length);
            endpoint.processor().answered(call, response, nanos);
        } catch (Throwable t) {
            log.error("cannot render or record the answer of {}", call.methodTag(), t);
            body = call.format() == ResponseFormat.XML ? SYSTEM_ERROR_XML : SYSTEM_ERROR_JSON;
        }
        // references only, no copy under 64 KiB, never throws: the console costs the call next to nothing
        if (endpoint.recentCalls().enabled()) {
            endpoint.recentCalls().record(call.raw(), new RecentCalls.Outcome(call.method(), call.appKey(),
                    call.customerId(), response.isSuccess() ? QimenResponse.SUCCESS : response.code(),
                    response.message(), call.clientAddress(), call.format().name().toLowerCase(Locale.ROOT),
                    call.id(), call.error()),
                    System.nanoTime() - call.startNanos(), body);
        }
        try {
            FullHttpResponse r = HttpResponses.of(version, HttpResponseStatus.OK, call.format().contentType(), body);
            current = null;
            respond(ctx, r, keepAlive, exchange::end); // in flight until written: a drain waits for it
        } catch (RuntimeException e) {
            // nothing can be sent on this connection any more: give back what the call holds and drop it
            log.error("cannot write an answer; closing the connection", e);
            exchange.end();
            ctx.close();
        }
    }

    private void answerHttp(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        endpoint.metrics().httpRejected(r.status().code());
        RecentRejections.record(endpoint.recentCalls(), ctx, req, r.status().code());
        respond(ctx, r, HttpUtil.isKeepAlive(req));
    }

    private void reject(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status) {
        endpoint.metrics().httpRejected(status.code());
        RecentRejections.record(endpoint.recentCalls(), ctx, req, status.code());
        respond(ctx, HttpResponses.text(HttpVersion.HTTP_1_1, status, status.reasonPhrase()), false);
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

    /**
     * The origin form ({@code /qimen?...}) of a request target; an absolute form ({@code http://host/qimen?...}),
     * which RFC 9112 §3.2.2 requires servers to accept, is reduced to it.
     */
    static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || target.startsWith("/")) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        int query = target.indexOf('?', scheme + 3);
        if (path < 0 || query >= 0 && query < path) {
            return query < 0 ? "/" : "/" + target.substring(query);
        }
        return target.substring(path);
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
        if (evt instanceof IdleStateEvent && (!busy() || current == null || current.isAnswered())) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause, endpoint.metrics());
    }
}
