package io.qimencallback.server.admin;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admin port's routes: a method and a path pattern to a service. A {@code *} segment matches one path segment,
 * exposed as {@link AdminRequest#pathParam(int)}; {@code /api/calls/*} matches {@code /api/calls/7} and not
 * {@code /api/calls} or {@code /api/calls/7/x}. Routes are matched in the order they were added; a route added twice
 * is refused at startup, so a contribution cannot silently replace another.
 *
 * <p>Services run on the admin port's worker pool, as they may block (database queries); those added with
 * {@link Builder#getOnEventLoop} or {@link Builder#operational} run on the event loop and must not block — they keep
 * {@code /metrics} and {@code /health/*} answering while the pool is busy. Only {@link Builder#operational} routes
 * answer whatever the {@code Host} header says (see {@link AdminGuard}).
 */
public final class AdminRouter {
    private final List<Route> routes;

    private AdminRouter(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One route; {@code onEventLoop} routes are cheap and never block; {@code anyHost} routes skip the Host check. */
    record Route(String method, List<String> segments, AdminService service, boolean onEventLoop, boolean anyHost) {
        String pattern() {
            return "/" + String.join("/", segments);
        }

        List<String> match(List<String> path) {
            if (path.size() != segments.size()) {
                return null;
            }
            List<String> params = new ArrayList<>(2);
            for (int i = 0; i < segments.size(); i++) {
                String s = segments.get(i);
                if (s.equals("*")) {
                    if (path.get(i).isEmpty()) {
                        return null;
                    }
                    params.add(path.get(i));
                } else if (!s.equals(path.get(i))) {
                    return null;
                }
            }
            return params;
        }
    }

    /** The outcome of routing: a service to run, or why none (404, or 405 with the methods the path allows). */
    public sealed interface Match {
        record Found(AdminService service, AdminRequest request, boolean onEventLoop, boolean anyHost) implements Match {
        }

        record NotFound() implements Match {
        }

        record WrongMethod(Set<String> allowed) implements Match {
            public String allowHeader() {
                return String.join(", ", allowed);
            }
        }
    }

    /** Routes a request; {@code HEAD} is routed as {@code GET}. */
    public Match route(AdminRequest request) {
        Objects.requireNonNull(request, "request");
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        List<String> path = segments(request.path());
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            List<String> params = r.match(path);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match.Found(r.service(), request.withPathParams(params), r.onEventLoop(), r.anyHost());
            }
            allowed.add(r.method());
            if (r.method().equals("GET")) {
                allowed.add("HEAD");
            }
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.WrongMethod(allowed);
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return List.of(p.split("/", -1));
    }

    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private final Set<String> seen = new LinkedHashSet<>();

        private Builder() {
        }

        /** A GET (and HEAD) route run on the admin worker pool. */
        public Builder get(String pattern, AdminService service) {
            return add("GET", pattern, service, false, false);
        }

        /** A GET (and HEAD) route run on the event loop: for cheap services that never block. */
        public Builder getOnEventLoop(String pattern, AdminService service) {
            return add("GET", pattern, service, true, false);
        }

        /**
         * A GET (and HEAD) route for monitoring ({@code /metrics}, {@code /health/*}): on the event loop, and served
         * whatever the {@code Host} (Prometheus and Kubernetes call it by a service name) and to clients beyond
         * loopback without the admin token ({@link AdminGuard#denial}). It must not show call data.
         */
        public Builder operational(String pattern, AdminService service) {
            return add("GET", pattern, service, true, true);
        }

        /** A POST route run on the admin worker pool. */
        public Builder post(String pattern, AdminService service) {
            return add("POST", pattern, service, false, false);
        }

        /** Adds the routes of a contribution. */
        public Builder add(AdminRoutes contribution) {
            Objects.requireNonNull(contribution, "contribution").addTo(this);
            return this;
        }

        private Builder add(String method, String pattern, AdminService service, boolean onEventLoop,
                            boolean anyHost) {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(service, "service");
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("admin route must start with /: " + pattern);
            }
            Route r = new Route(method, segments(pattern), service, onEventLoop, anyHost);
            if (!seen.add(method + " " + r.pattern())) {
                throw new IllegalArgumentException("admin route added twice: " + method + " " + pattern);
            }
            routes.add(r);
            return this;
        }

        public AdminRouter build() {
            return new AdminRouter(routes);
        }
    }
}
