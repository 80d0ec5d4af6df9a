package io.qimencallback.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.qimencallback.server.admin.AdminGuard;
import io.qimencallback.server.admin.AdminRequest;
import io.qimencallback.server.admin.AdminResponse;
import io.qimencallback.server.admin.AdminRouter;
import io.qimencallback.server.admin.AdminService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: guards ({@link AdminGuard}), routes ({@link AdminRouter}) and answers. Services that may
 * block run on the admin worker pool; a full pool answers 503 at once, and the event-loop routes ({@code /metrics},
 * {@code /health/*}) keep answering meanwhile. Answers leave in request order: while one request is being served,
 * reading pauses and requests already decoded (pipelining) wait.
 */
public final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    private static final int MAX_PIPELINED = 16;

    private final AdminRouter router;
    private final AdminGuard guard;
    private final Executor workers;
    /** Touched on the event loop only. */
    private final Deque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;

    public AdminHttpHandler(AdminRouter router, AdminGuard guard, Executor workers) {
        this.router = Objects.requireNonNull(router, "router");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (busy) {
            if (waiting.size() >= MAX_PIPELINED) {
                releaseWaiting();
                ctx.close();
                return;
            }
            waiting.add(req.retain());
            return;
        }
        serve(ctx, req);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().name().equals("HEAD");
        if (req.decoderResult().isFailure()) {
            write(ctx, version, false, false, AdminResponse.error(400, "bad request"));
            return;
        }
        AdminRequest request = adminRequest(req);
        AdminRouter.Match match = router.route(request);
        var denied = guard.denial(request, ctx.channel().remoteAddress(),
                match instanceof AdminRouter.Match.Found f && f.anyHost());
        if (denied.isPresent()) { // beyond loopback without the admin token
            write(ctx, version, keepAlive, head, denied.get());
            return;
        }
        var refusal = guard.refusal(request, !(match instanceof AdminRouter.Match.Found f && f.anyHost()));
        if (refusal.isPresent()) {
            write(ctx, version, keepAlive, head, AdminResponse.error(403, refusal.get()));
            return;
        }
        if (match instanceof AdminRouter.Match.WrongMethod wrong) {
            write(ctx, version, keepAlive, head, AdminResponse.error(405, "method not allowed")
                    .withHeader("Allow", wrong.allowHeader()));
        } else if (!(match instanceof AdminRouter.Match.Found found)) {
            write(ctx, version, keepAlive, head, AdminResponse.notFound());
        } else if (found.onEventLoop()) {
            write(ctx, version, keepAlive, head, run(found.service(), found.request()));
        } else {
            busy = true;
            ctx.channel().config().setAutoRead(false);
            try {
                workers.execute(() -> {
                    AdminResponse r = run(found.service(), found.request());
                    try {
                        ctx.executor().execute(() -> {
                            write(ctx, version, keepAlive, head, r);
                            next(ctx);
                        });
                    } catch (RejectedExecutionException e) {
                        // the event loop is gone: the server is stopping, and the connection with it
                    }
                });
            } catch (RejectedExecutionException e) {
                write(ctx, version, keepAlive, head, AdminResponse.error(503, "admin port busy, try again")
                        .withHeader("Retry-After", "1"));
                next(ctx);
            }
        }
    }

    /** After a worker's answer: the next waiting request, or back to reading. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        if (!ctx.channel().isActive()) {
            releaseWaiting();
            return;
        }
        FullHttpRequest req;
        while (!busy && (req = waiting.poll()) != null) {
            try {
                serve(ctx, req);
            } finally {
                req.release();
            }
        }
        if (!busy) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static AdminResponse run(AdminService service, AdminRequest request) {
        try {
            AdminResponse r = service.serve(request);
            return r == null ? AdminResponse.error(500, "no answer") : r;
        } catch (Exception | LinkageError | AssertionError e) {
            // the class and frames only: a message may quote data of a call
            log.error("admin service failed on {}: {}", request, e.getClass().getName());
            return AdminResponse.error(500, "internal error");
        }
    }

    private static AdminRequest adminRequest(FullHttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8);
        Map<String, String> query = new LinkedHashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : req.headers().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), req.headers().getAll(name));
        }
        return new AdminRequest(req.method().name().toUpperCase(Locale.ROOT), uri.path(), List.of(), query, headers,
                ByteBufUtil.getBytes(req.content()));
    }

    private void write(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, boolean head,
                       AdminResponse answer) {
        byte[] body = answer.body();
        FullHttpResponse r = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(answer.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        HttpUtil.setContentLength(r, body.length);
        AdminGuard.headers(answer.contentType()).forEach(r.headers()::set);
        answer.headers().forEach(r.headers()::set);
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        HttpUtil.setKeepAlive(r, keepAlive);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void releaseWaiting() {
        FullHttpRequest req;
        while ((req = waiting.poll()) != null) {
            req.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
