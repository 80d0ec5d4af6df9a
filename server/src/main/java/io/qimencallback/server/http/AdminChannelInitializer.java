package io.qimencallback.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.qimencallback.server.admin.AdminGuard;
import io.qimencallback.server.admin.AdminRouter;
import java.util.Objects;
import java.util.concurrent.Executor;

/** The admin port's pipeline: HTTP/1.1 codec, bodies up to 64 KiB (a JSON POST), then {@link AdminHttpHandler}. */
public final class AdminChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_BODY = 64 * 1024;

    private final AdminRouter router;
    private final AdminGuard guard;
    private final Executor workers;

    public AdminChannelInitializer(AdminRouter router, AdminGuard guard, Executor workers) {
        this.router = Objects.requireNonNull(router, "router");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY),
                new AdminHttpHandler(router, guard, workers));
    }
}
