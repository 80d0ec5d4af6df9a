package io.qimencallback.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Plain-text HTTP answers for what never becomes a Qimen call (wrong path, bad HTTP) and for the admin port. */
final class HttpResponses {
    private HttpResponses() {
    }

    static FullHttpResponse of(HttpVersion version, HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(r, body.length);
        return r;
    }

    static FullHttpResponse text(HttpVersion version, HttpResponseStatus status, String text) {
        return of(version, status, "text/plain;charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Answers and closes: after a malformed or oversized request the connection cannot be trusted to be in sync. */
    static void sendAndClose(ChannelHandlerContext ctx, HttpResponseStatus status) {
        FullHttpResponse r = text(HttpVersion.HTTP_1_1, status, status.reasonPhrase());
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
