package io.qimencallback.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;

/**
 * The ceiling of the load test: the same transport (Netty NIO, HTTP/1.1 codec, aggregator, keep-alive) answering a
 * fixed Qimen success body without parsing, verifying or dispatching anything. Usage: {@code CeilingServer PORT}.
 */
public final class CeilingServer {
    private static final byte[] BODY = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><response><flag>success</flag>"
            + "<code>0</code><message>ok</message><deliveryOrderId>WMS-DO20240520000123</deliveryOrderId></response>")
            .getBytes(StandardCharsets.UTF_8);

    private CeilingServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(8 << 20), new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        FullHttpResponse r = new DefaultFullHttpResponse(req.protocolVersion(),
                                                HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
                                        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml;charset=utf-8");
                                        HttpUtil.setContentLength(r, BODY.length);
                                        HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(req));
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("ceiling listening on 127.0.0.1:" + port);
    }
}
