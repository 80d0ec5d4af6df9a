package io.qimencallback.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.ContentType;
import io.qimencallback.server.call.CallContext;
import io.qimencallback.server.metrics.ServerMetrics;

/**
 * Counts every body byte against the port's {@link BodyBudget} as it arrives, before the aggregator holds it: a
 * request whose announced length does not fit gets 503 before its body is read, and one whose bytes stop fitting
 * while it trickles in gets 503 then. Once a request is whole its bytes belong to the call, which gives them back
 * when it ends ({@link QimenHttpHandler}); a connection that closes mid-body gives back what its partial body held.
 */
final class BodyBudgetGate extends ChannelInboundHandlerAdapter {
    private final BodyBudget budget;
    private final ServerMetrics metrics;
    /** Bytes of the request still arriving on this connection (event loop only). */
    private long partial;
    private boolean refused;
    private HttpRequest head;

    BodyBudgetGate(BodyBudget budget, ServerMetrics metrics) {
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest head) {
            this.head = head;
            long announced = HttpUtil.getContentLength(head, -1L);
            if (announced > 0 && !budget.fits(announced)) {
                refuse(ctx, msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            int n = content.content().readableBytes();
            if (!budget.tryAcquire(n)) {
                refuse(ctx, msg);
                return;
            }
            partial += n;
            if (msg instanceof LastHttpContent) {
                partial = 0; // the whole request now travels on, and the call releases it
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, Object msg) {
        refused = true;
        ReferenceCountUtil.release(msg);
        budget.release(partial);
        partial = 0;
        metrics.httpRejected(HttpResponseStatus.SERVICE_UNAVAILABLE.code());
        metrics.bodyBudgetExhausted();
        ctx.channel().config().setAutoRead(false);
        if (Boolean.TRUE.equals(ctx.channel().attr(InOrderHttpHandler.BUSY).get())) {
            // a call of this connection is in progress: it is answered first (and closes), this request is dropped
            ctx.fireUserEventTriggered(InOrderHttpHandler.CLOSE_AFTER_CURRENT);
        } else {
            sendOverloaded(ctx);
        }
    }

    /** 503 with the Qimen {@code overloaded} answer, in the format the request's head asks for, then close. */
    private void sendOverloaded(ChannelHandlerContext ctx) {
        String uri = head == null ? "" : head.uri();
        int q = uri.indexOf('?');
        ContentKind kind;
        try {
            kind = head == null ? null : ContentType.of(head.headers().get("Content-Type"), new byte[0]).kind();
        } catch (QimenException e) {
            kind = null;
        }
        ResponseFormat format = ResponseFormat.choose(CallContext.formatHint(q < 0 ? "" : uri.substring(q + 1)), kind);
        FullHttpResponse r = HttpResponses.of(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
                format.contentType(), ResponseWriter.render(QimenResponse.failure(ErrorCode.OVERLOADED), format));
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }


    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        budget.release(partial);
        partial = 0;
        super.channelInactive(ctx);
    }
}
