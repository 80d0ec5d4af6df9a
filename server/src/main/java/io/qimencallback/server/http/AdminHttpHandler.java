package io.qimencallback.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
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
 * {@code /health/*}) keep answering meanwhile. Order, pipelining and backpressure as on the public port
 * ({@link InOrderHttpHandler}): a client that never reads holds at most one answer.
 */
public final class AdminHttpHandler extends InOrderHttpHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    private static final int MAX_PIPELINED = 16;
    private static final long MAX_PIPELINED_BYTES = 256 * 1024;

    private final AdminRouter router;
    private final AdminGuard guard;
    private final Executor workers;

    public AdminHttpHandler(AdminRouter router, AdminGuard guard, Executor workers) {
        super(MAX_PIPELINED, MAX_PIPELINED_BYTES);
        this.router = Objects.requireNonNull(router, "router");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    @Override
    protected void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
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
            try {
                workers.execute(() -> {
                    AdminResponse r = run(found.service(), found.request());
                    try {
                        ctx.executor().execute(() -> write(ctx, version, keepAlive, head, r));
                    } catch (RejectedExecutionException e) {
                        // the event loop is gone: the server is stopping, and the connection with it
                    }
                });
            } catch (RejectedExecutionException e) {
                write(ctx, version, keepAlive, head, AdminResponse.error(503, "admin port busy, try again")
                        .withHeader("Retry-After", "1"));
            }
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
        respond(ctx, r, keepAlive);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause, null);
    }
}
