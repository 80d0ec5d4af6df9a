package io.qimencallback.server.admin;

import io.netty.util.NetUtil;
import io.qimencallback.server.config.AdminToken;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What protects the admin port from a web page open in a browser on the same machine. The port binds loopback, but
 * any page the browser shows can send requests to it:
 * <ul>
 *   <li>DNS rebinding (a hostile name re-pointed at 127.0.0.1) — requests whose {@code Host} is not an IP literal,
 *       {@code localhost} or the configured bind address are refused;</li>
 *   <li>cross-site POSTs (forms, {@code fetch} without preflight) — a POST needs {@code Content-Type:
 *       application/json} or {@code X-Qimen-Admin: 1}, which a page of another origin cannot send without a CORS
 *       preflight this port never grants, and its {@code Origin}, when present, must be this host and port;</li>
 *   <li>framing, MIME sniffing, caching of call data, injected script — the headers of {@link #headers}.</li>
 * </ul>
 * And from other machines, when the port binds beyond loopback ({@link #denial}): everything but the monitoring
 * routes needs {@code Authorization: Bearer <admin token>}, as the console and its API show call data unmasked and
 * change the inbox.
 */
public final class AdminGuard {
    static final String ONLY_MONITORING = "from beyond loopback only /metrics and /health/* answer";

    private final String bindAddress;
    /** {@code null}: no token; clients other than loopback get the monitoring routes only. */
    private final AdminToken token;

    /** @param bindAddress the configured admin bind address, also accepted as a {@code Host} */
    public AdminGuard(String bindAddress) {
        this(bindAddress, null);
    }

    /** @param token {@code null} when none is configured */
    public AdminGuard(String bindAddress, AdminToken token) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress").toLowerCase(Locale.ROOT);
        this.token = token;
    }

    /**
     * The answer refusing a client that is neither loopback nor sends the admin token (401, or 403 when no token is
     * configured), or empty when it may be served. Monitoring routes are served to anyone.
     *
     * @param peer       the TCP peer; anything but a loopback IP socket address counts as remote
     * @param monitoring whether the route is {@code /metrics} or {@code /health/*} (shows no call data)
     */
    public Optional<AdminResponse> denial(AdminRequest request, SocketAddress peer, boolean monitoring) {
        Objects.requireNonNull(request, "request");
        if (monitoring || isLoopback(peer)) {
            return Optional.empty();
        }
        if (token == null) {
            return Optional.of(AdminResponse.error(403, "the debug console and its API answer loopback clients only"
                    + " (no admin token is configured: admin_token_file); " + ONLY_MONITORING));
        }
        Optional<String> authorization = request.header("Authorization");
        if (authorization.isEmpty()) {
            return Optional.of(AdminResponse.error(401, "Authorization: Bearer <admin token> required; "
                    + ONLY_MONITORING).withHeader("WWW-Authenticate", "Bearer realm=\"qimen-admin\""));
        }
        if (!token.matches(authorization.get())) {
            return Optional.of(AdminResponse.error(401, "invalid admin token")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"qimen-admin\", error=\"invalid_token\""));
        }
        return Optional.empty();
    }

    static boolean isLoopback(SocketAddress peer) {
        return peer instanceof InetSocketAddress a && a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }

    /**
     * What to warn about at start: the port bound beyond loopback, and what it serves there; empty on loopback.
     *
     * @param boundTo the address the port is bound to, as configured
     */
    public Optional<String> exposureWarning(String boundTo, int port) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(boundTo).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (loopback) {
            return Optional.empty();
        }
        return Optional.of("admin port bound beyond loopback (" + boundTo + ":" + port + "): /metrics and"
                + " /health/* answer any client; the debug console and its API (recent calls with their bodies,"
                + " signature failures, the inbox with reveal, ack and retry) answer loopback clients"
                + (token == null ? " only: no admin token is configured (admin_token_file)"
                        : " and requests with Authorization: Bearer <admin token>")
                + ". Keep the port off public networks.");
    }

    /** Why the request is refused (answered 403), or empty when it may be served. */
    public Optional<String> refusal(AdminRequest request) {
        return refusal(request, true);
    }

    /**
     * @param checkHost false for monitoring routes, which show no call data and are called by service names
     *                  ({@code qimen:9090} from Prometheus in Compose)
     */
    public Optional<String> refusal(AdminRequest request, boolean checkHost) {
        Optional<String> host = request.header("Host");
        if (checkHost && host.isPresent() && !allowedHost(hostName(host.get()))) {
            return Optional.of("Host not allowed on the admin port: use an IP address or localhost");
        }
        if (request.method().equals("POST")) {
            boolean json = request.header("Content-Type")
                    .map(ct -> ct.split(";")[0].trim().equalsIgnoreCase("application/json")).orElse(false);
            boolean marked = request.header("X-Qimen-Admin").map(v -> v.trim().equals("1")).orElse(false);
            if (!json && !marked) {
                return Optional.of("POST needs Content-Type: application/json or X-Qimen-Admin: 1");
            }
            Optional<String> origin = request.header("Origin");
            if (origin.isPresent() && (host.isEmpty() || !sameOrigin(origin.get(), host.get()))) {
                return Optional.of("cross-origin POST refused");
            }
        }
        return Optional.empty();
    }

    private boolean allowedHost(String name) {
        return name.equals("localhost") || name.equals(bindAddress) || NetUtil.isValidIpV4Address(name)
                || NetUtil.isValidIpV6Address(name);
    }

    /** The host of a {@code Host} header, lower case, without port and IPv6 brackets. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 || h.indexOf(':', colon + 1) >= 0 ? h : h.substring(0, colon);
    }

    /** Whether an {@code Origin} ({@code http://host:port}) names the host and port of the {@code Host} header. */
    static boolean sameOrigin(String origin, String hostHeader) {
        try {
            URI o = new URI(origin.trim());
            if (!"http".equalsIgnoreCase(o.getScheme()) || o.getRawAuthority() == null) {
                return false; // "null" (sandboxed or file pages), https (this port speaks plain HTTP)
            }
            return withPort(o.getRawAuthority()).equals(withPort(hostHeader.trim()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String withPort(String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        boolean hasPort = a.startsWith("[") ? a.indexOf("]:") > 0 : a.indexOf(':') > 0;
        return hasPort ? a : a + ":80";
    }

    /** The headers of every admin answer; for HTML pages also a strict Content-Security-Policy and no framing. */
    public static Map<String, String> headers(String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Cache-Control", "no-store");
        if (contentType.startsWith("text/html")) {
            // no inline script or style: the console ships its .js and .css as files
            h.put("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            h.put("X-Frame-Options", "DENY");
        }
        return h;
    }
}
