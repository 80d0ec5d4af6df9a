package io.qimencallback.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminRouterTest {
    private static final AdminService ECHO = r -> AdminResponse.text(r.method() + " " + r.path() + " " + r.pathParams());

    private final AdminRouter router = AdminRouter.builder()
            .getOnEventLoop("/metrics", ECHO)
            .get("/api/calls", ECHO)
            .get("/api/calls/*", ECHO)
            .post("/api/inbox/*/retry", ECHO)
            .get("/", ECHO)
            .build();

    private static AdminRequest request(String method, String path) {
        return new AdminRequest(method, path, List.of(), Map.of(), Map.of(), new byte[0]);
    }

    @Test
    void starCapturesOneSegment() throws Exception {
        var m = (AdminRouter.Match.Found) router.route(request("POST", "/api/inbox/123/retry"));
        assertThat(m.request().pathParam(0)).isEqualTo("123");
        assertThat(m.onEventLoop()).isFalse();
        assertThat(m.service().serve(m.request()).bodyText()).isEqualTo("POST /api/inbox/123/retry [123]\n");

        assertThat(router.route(request("GET", "/api/calls/7"))).isInstanceOf(AdminRouter.Match.Found.class);
        assertThat(router.route(request("GET", "/api/calls/"))).isInstanceOf(AdminRouter.Match.NotFound.class);
        assertThat(router.route(request("GET", "/api/calls/7/x"))).isInstanceOf(AdminRouter.Match.NotFound.class);
        assertThat(router.route(request("GET", "/api/inbox//retry"))).isInstanceOf(AdminRouter.Match.NotFound.class);
    }

    @Test
    void headIsRoutedAsGetAndEventLoopRoutesAreMarked() {
        var m = (AdminRouter.Match.Found) router.route(request("HEAD", "/metrics"));
        assertThat(m.onEventLoop()).isTrue();
        assertThat(router.route(request("GET", "/"))).isInstanceOf(AdminRouter.Match.Found.class);
    }

    @Test
    void wrongMethodNamesTheAllowedOnes() {
        assertThat(router.route(request("POST", "/api/calls")))
                .isEqualTo(new AdminRouter.Match.WrongMethod(java.util.Set.of("GET", "HEAD")));
        var m = (AdminRouter.Match.WrongMethod) router.route(request("GET", "/api/inbox/1/retry"));
        assertThat(m.allowHeader()).isEqualTo("POST");
        assertThat(router.route(request("GET", "/nothing"))).isInstanceOf(AdminRouter.Match.NotFound.class);
    }

    @Test
    void aRouteAddedTwiceIsRefused() {
        assertThatThrownBy(() -> AdminRouter.builder().get("/a/*", ECHO).add(b -> b.get("/a/*", ECHO)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /a/*");
    }

    @Test
    void responsesRenderJsonAndErrors() {
        assertThat(AdminResponse.error(409, "already \"done\"").bodyText()).isEqualTo("{\"error\":\"already \\\"done\\\"\"}");
        assertThat(AdminResponse.json(Map.of("id", 1)).contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(AdminResponse.notFound().status()).isEqualTo(404);
    }

    @Test
    void guardRefusesForeignHostsAndCrossSitePosts() {
        AdminGuard guard = new AdminGuard("admin.internal");
        assertThat(guard.refusal(with("GET", Map.of("host", "127.0.0.1:9090")))).isEmpty();
        assertThat(guard.refusal(with("GET", Map.of("host", "[::1]:9090")))).isEmpty();
        assertThat(guard.refusal(with("GET", Map.of("host", "localhost:9090")))).isEmpty();
        assertThat(guard.refusal(with("GET", Map.of("host", "ADMIN.internal:9090")))).isEmpty();
        assertThat(guard.refusal(with("GET", Map.of()))).isEmpty();
        assertThat(guard.refusal(with("GET", Map.of("host", "evil.example:9090")))).isPresent();
        assertThat(guard.refusal(with("GET", Map.of("host", "127.0.0.1.evil.example")))).isPresent();

        Map<String, String> local = Map.of("host", "127.0.0.1:9090");
        assertThat(guard.refusal(with("POST", local))).get().asString().contains("application/json");
        assertThat(guard.refusal(with("POST", plus(local, "content-type", "text/plain")))).isPresent();
        assertThat(guard.refusal(with("POST", plus(local, "content-type", "application/json; charset=utf-8")))).isEmpty();
        assertThat(guard.refusal(with("POST", plus(local, "x-qimen-admin", "1")))).isEmpty();
        Map<String, String> json = plus(local, "content-type", "application/json");
        assertThat(guard.refusal(with("POST", plus(json, "origin", "http://127.0.0.1:9090")))).isEmpty();
        assertThat(guard.refusal(with("POST", plus(json, "origin", "http://evil.example")))).get().asString()
                .contains("cross-origin");
        assertThat(guard.refusal(with("POST", plus(json, "origin", "http://127.0.0.1:9091")))).isPresent();
        assertThat(guard.refusal(with("POST", plus(json, "origin", "null")))).isPresent();
        assertThat(AdminGuard.sameOrigin("http://localhost", "localhost:80")).isTrue();
    }

    private static AdminRequest with(String method, Map<String, String> headers) {
        Map<String, List<String>> h = new java.util.HashMap<>();
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        return new AdminRequest(method, "/x", List.of(), Map.of(), h, new byte[0]);
    }

    private static Map<String, String> plus(Map<String, String> m, String k, String v) {
        Map<String, String> out = new java.util.HashMap<>(m);
        out.put(k, v);
        return out;
    }
}
