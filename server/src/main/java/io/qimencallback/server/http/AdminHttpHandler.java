package io.qimencallback.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.qimencallback.server.diagnostics.SignatureDiagnostics;
import io.qimencallback.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The admin port: {@code /metrics} (Prometheus text), {@code /health/live} (the process answers),
 * {@code /health/ready} (ports bound and handlers loaded, not draining) and {@code /api/signature-failures} (the last
 * signature failures, explained: {@link SignatureDiagnostics}). Its own event loop keeps it answering
 * while the public port is saturated.
 */
@ChannelHandler.Sharable
public final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;
    private final BooleanSupplier ready;
    private final SignatureDiagnostics signatureDiagnostics;

    public AdminHttpHandler(ServerMetrics metrics, BooleanSupplier ready, SignatureDiagnostics signatureDiagnostics) {
        this.metrics = metrics;
        this.ready = ready;
        this.signatureDiagnostics = Objects.requireNonNull(signatureDiagnostics, "signatureDiagnostics");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse r;
        if (req.decoderResult().isFailure()) {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        String uri = req.uri();
        String path = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            r = HttpResponses.text(req.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
        } else {
            r = switch (path) {
                case "/metrics" -> HttpResponses.of(req.protocolVersion(), HttpResponseStatus.OK, PROMETHEUS_TEXT,
                        metrics.scrape().getBytes(StandardCharsets.UTF_8));
                case "/api/signature-failures" -> HttpResponses.of(req.protocolVersion(), HttpResponseStatus.OK,
                        "application/json; charset=utf-8", signatureDiagnostics.json());
                case "/health/live" -> HttpResponses.text(req.protocolVersion(), HttpResponseStatus.OK, "live");
                case "/health/ready" -> ready.getAsBoolean()
                        ? HttpResponses.text(req.protocolVersion(), HttpResponseStatus.OK, "ready")
                        : HttpResponses.text(req.protocolVersion(), HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready");
                default -> HttpResponses.text(req.protocolVersion(), HttpResponseStatus.NOT_FOUND, "not found");
            };
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(r, keepAlive);
        if (req.method().equals(HttpMethod.HEAD)) {
            r.content().clear();
        }
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
