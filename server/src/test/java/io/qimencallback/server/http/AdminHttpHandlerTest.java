package io.qimencallback.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.qimencallback.server.admin.AdminGuard;
import io.qimencallback.server.admin.AdminResponse;
import io.qimencallback.server.admin.AdminRouter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin port's Netty side: security headers, 403/404/405, HEAD, the worker pool and its 503. */
class AdminHttpHandlerTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1));
    private final AdminRouter router = AdminRouter.builder()
            .operational("/metrics", r -> AdminResponse.text("scrape"))
            .getOnEventLoop("/", r -> AdminResponse.html("<p>page</p>".getBytes(StandardCharsets.UTF_8)))
            .get("/api/calls/*", r -> AdminResponse.json(java.util.Map.of("id", r.pathParam(0))))
            .get("/slow", r -> {
                release.await(10, TimeUnit.SECONDS);
                return AdminResponse.text("slow");
            })
            .post("/api/inbox/*/retry", r -> AdminResponse.json(java.util.Map.of("id", r.pathParam(0), "status", "new")))
            .get("/boom", r -> {
                throw new IllegalStateException("13812345678");
            })
            .build();

    @AfterEach
    void stop() {
        release.countDown();
        workers.shutdownNow();
    }

    /** An in-memory connection that claims a loopback peer (the rules for other peers: AdminAccessTest). */
    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new AdminHttpHandler(router, new AdminGuard("127.0.0.1"), workers)) {
            @Override
            protected java.net.SocketAddress remoteAddress0() {
                return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 40000);
            }
        };
    }

    private static FullHttpRequest get(String uri) {
        return request(HttpMethod.GET, uri, null);
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String contentType) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
        r.headers().set("Host", "127.0.0.1:9090");
        if (contentType != null) {
            r.headers().set("Content-Type", contentType);
        }
        return r;
    }

    /** Runs the event loop's tasks until an answer is written (a worker's answer comes back as a task). */
    private static FullHttpResponse answer(EmbeddedChannel ch) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        FullHttpResponse r;
        while ((r = ch.readOutbound()) == null && System.nanoTime() < deadline) {
            ch.runPendingTasks();
            Thread.sleep(1);
        }
        assertThat(r).as("an answer").isNotNull();
        return r;
    }

    private static String text(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndHtmlTheStrictPolicy() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(get("/"));
        FullHttpResponse page = answer(ch);
        assertThat(page.headers().get("Content-Security-Policy")).isEqualTo("default-src 'self'; frame-ancestors 'none'");
        assertThat(page.headers().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.headers().get("Cache-Control")).isEqualTo("no-store");
        assertThat(text(page)).isEqualTo("<p>page</p>");

        ch.writeInbound(get("/api/calls/a7"));
        FullHttpResponse json = answer(ch);
        assertThat(json.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(json.headers().get("Cache-Control")).isEqualTo("no-store");
        assertThat(json.headers().contains("Content-Security-Policy")).isFalse();
        assertThat(text(json)).isEqualTo("{\"id\":\"a7\"}");

        ch.writeInbound(get("/nothing"));
        FullHttpResponse missing = answer(ch);
        assertThat(missing.status().code()).isEqualTo(404);
        assertThat(missing.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(text(missing)).isEqualTo("{\"error\":\"not found\"}");
        ch.finishAndReleaseAll();
    }

    @Test
    void wrongMethodIs405WithAllowAndHeadHasNoBody() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(request(HttpMethod.POST, "/metrics", "application/json"));
        FullHttpResponse r = answer(ch);
        assertThat(r.status().code()).isEqualTo(405);
        assertThat(r.headers().get("Allow")).isEqualTo("GET, HEAD");
        r.release();

        ch.writeInbound(request(HttpMethod.HEAD, "/metrics", null));
        FullHttpResponse head = answer(ch);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().getInt("Content-Length")).isEqualTo("scrape\n".length());
        assertThat(head.content().readableBytes()).isZero();
        head.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void postsNeedJsonOrTheAdminHeaderAndTheSameOrigin() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(request(HttpMethod.POST, "/api/inbox/5/retry", "application/x-www-form-urlencoded"));
        FullHttpResponse form = answer(ch);
        assertThat(form.status().code()).isEqualTo(403);
        form.release();

        FullHttpRequest crossSite = request(HttpMethod.POST, "/api/inbox/5/retry", "application/json");
        crossSite.headers().set("Origin", "http://attacker.example");
        ch.writeInbound(crossSite);
        FullHttpResponse refused = answer(ch);
        assertThat(refused.status().code()).isEqualTo(403);
        refused.release();

        FullHttpRequest ok = request(HttpMethod.POST, "/api/inbox/5/retry", "application/json");
        ok.headers().set("Origin", "http://127.0.0.1:9090");
        ch.writeInbound(ok);
        FullHttpResponse done = answer(ch);
        assertThat(done.status().code()).isEqualTo(200);
        assertThat(text(done)).contains("\"id\":\"5\"", "\"status\":\"new\"");
        ch.finishAndReleaseAll();
    }

    @Test
    void aForeignHostIsRefused() throws Exception {
        EmbeddedChannel ch = channel();
        FullHttpRequest rebound = get("/api/calls/1");
        rebound.headers().set("Host", "rebind.attacker.example:9090");
        ch.writeInbound(rebound);
        FullHttpResponse r = answer(ch);
        assertThat(r.status().code()).isEqualTo(403);
        assertThat(text(r)).contains("Host not allowed");

        // monitoring is called by service names (Prometheus in Compose scrapes qimen:9090)
        FullHttpRequest scrape = get("/metrics");
        scrape.headers().set("Host", "qimen:9090");
        ch.writeInbound(scrape);
        assertThat(text(answer(ch))).isEqualTo("scrape\n");
        FullHttpRequest missing = get("/nothing");
        missing.headers().set("Host", "qimen:9090");
        ch.writeInbound(missing);
        FullHttpResponse refused = answer(ch);
        assertThat(refused.status().code()).isEqualTo(403);
        refused.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aFailingServiceIs500WithoutItsMessage() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(get("/boom"));
        FullHttpResponse r = answer(ch);
        assertThat(r.status().code()).isEqualTo(500);
        assertThat(text(r)).isEqualTo("{\"error\":\"internal error\"}");
        ch.finishAndReleaseAll();
    }

    @Test
    void aBusyPoolAnswers503WhileEventLoopRoutesKeepAnswering() throws Exception {
        EmbeddedChannel first = channel();
        EmbeddedChannel second = channel();
        EmbeddedChannel third = channel();
        first.writeInbound(get("/slow"));   // runs, blocked
        second.writeInbound(get("/slow"));  // queued
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (workers.getActiveCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        third.writeInbound(get("/slow"));   // no room
        FullHttpResponse busy = answer(third);
        assertThat(busy.status().code()).isEqualTo(503);
        assertThat(busy.headers().get("Retry-After")).isEqualTo("1");
        busy.release();
        third.writeInbound(get("/metrics"));
        assertThat(text(answer(third))).isEqualTo("scrape\n");

        // the first connection holds its next request until the slow answer is written: answers stay in order
        first.writeInbound(get("/metrics"));
        first.runPendingTasks();
        assertThat((Object) first.readOutbound()).isNull();
        release.countDown();
        assertThat(text(answer(first))).isEqualTo("slow\n");
        assertThat(text(answer(first))).isEqualTo("scrape\n");
        assertThat(text(answer(second))).isEqualTo("slow\n");
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
        third.finishAndReleaseAll();
    }
}
