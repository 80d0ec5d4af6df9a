package io.qimencallback.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import io.qimencallback.server.recent.RecentCalls;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Requests the HTTP layer refused (404, 405, 408, 413, 431...) in the debug console's recent calls, with what their
 * request line and headers say: during joint debugging a wrong path or an oversized body is the question.
 */
final class RecentRejections {
    private RecentRejections() {
    }

    /** @param message the request, or {@code null} when none was decoded (a 408 before the head was complete) */
    static void record(RecentCalls calls, ChannelHandlerContext ctx, HttpMessage message, int status) {
        if (!calls.enabled()) {
            return;
        }
        try {
            String uri = message instanceof HttpRequest r ? r.uri() : "";
            int q = uri.indexOf('?');
            String rawQuery = q < 0 ? "" : QimenHttpHandler.stripFragment(uri.substring(q + 1));
            Map<String, String> params = UrlEncoding.parseQuery(rawQuery, StandardCharsets.UTF_8);
            HttpHeaders headers = message == null ? EmptyHttpHeaders.INSTANCE : message.headers();
            RawRequest raw = new RawRequest(message instanceof HttpRequest r ? r.method().name() : "?", rawQuery,
                    QimenHttpHandler.headers(headers), new byte[0], QimenHttpHandler.peer(ctx), Instant.now());
            calls.record(raw, new RecentCalls.Outcome(params.get(SystemParams.METHOD), params.get(SystemParams.APP_KEY),
                    params.get(SystemParams.CUSTOMER_ID), "http-" + status, null, null, null), 0);
        } catch (RuntimeException e) {
            // a request too broken to describe is left out
        }
    }
}
