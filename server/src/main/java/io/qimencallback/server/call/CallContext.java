package io.qimencallback.server.call;

import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.http.ContentType;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.server.route.Route;
import io.qimencallback.server.route.Routes;

/**
 * The facts of one call, filled in as they are learnt (format, method, app key) so that an answer given from
 * elsewhere — timeout, overload — is still rendered in the right format and logged with what is known. What happens
 * to the call (its answer, deadline, work) is its {@link CallExchange}'s business.
 */
public final class CallContext {
    private final RawRequest raw;
    private final long startNanos;
    private final String id = ErrorIds.next();
    private volatile ResponseFormat format;
    private volatile String method;
    private volatile String methodTag = Routes.OTHER;
    private volatile String routeTag = Route.NOT_ROUTED;
    private volatile String appKey;
    private volatile String customerId;
    private volatile String clientAddress;
    private volatile String error;

    public CallContext(RawRequest raw, long startNanos) {
        this.raw = raw;
        this.startNanos = startNanos;
        this.format = guessFormat(raw);
        this.clientAddress = raw.peerAddress();
    }

    /**
     * Before anything is parsed: from the query's {@code format} and the Content-Type alone, by a scan that allocates
     * nothing (the verification parses the query properly moments later).
     */
    private static ResponseFormat guessFormat(RawRequest raw) {
        String format = formatHint(raw.rawQuery());
        try {
            return ResponseFormat.choose(format, ContentType.of(raw.headers().get("Content-Type"), raw.body()).kind());
        } catch (QimenException e) {
            return ResponseFormat.choose(format, null);
        }
    }

    /** {@code json}, {@code xml} or {@code null}: the last {@code format=} pair wins, as in the full parse. */
    public static String formatHint(String query) {
        String key = SystemParams.FORMAT + "=";
        String hint = null;
        for (int i = query.indexOf(key); i >= 0; i = query.indexOf(key, i + 1)) {
            if (i == 0 || query.charAt(i - 1) == '&') {
                int start = i + key.length();
                int end = query.indexOf('&', start);
                int len = (end < 0 ? query.length() : end) - start;
                hint = len == 4 && query.regionMatches(true, start, "json", 0, 4) ? "json"
                        : len == 3 && query.regionMatches(true, start, "xml", 0, 3) ? "xml" : null;
            }
        }
        return hint;
    }

    void learn(ResponseFormat format, String method, String appKey, String customerId) {
        this.format = format;
        this.method = method;
        this.appKey = appKey;
        this.customerId = customerId;
    }

    /** What went wrong, as {@link io.qimencallback.protocol.internal.privacy.ErrorText} shows it: for the console. */
    void failed(String error) {
        this.error = error;
    }

    /** Verified and routed: the labels of the one routing decision ({@link Route}), kept for the call's metrics. */
    void handled(Route route, String clientAddress) {
        this.methodTag = route.metricTag();
        this.routeTag = route.routeTag();
        this.clientAddress = clientAddress;
    }

    /** Ties the access log line, the console's entry, a handler's request and a {@code system-error} answer together. */
    public String id() { return id; }
    public RawRequest raw() { return raw; }
    public long startNanos() { return startNanos; }
    public ResponseFormat format() { return format; }
    /** The method as sent, or {@code null} before it is known. */
    public String method() { return method; }
    /** The metrics label of the method: see {@link io.qimencallback.server.route.Route#metricTag()}. */
    public String methodTag() { return methodTag; }
    /** Where the call went, as a metrics label: see {@link Route#routeTag()}; {@link Route#NOT_ROUTED} before. */
    public String routeTag() { return routeTag; }
    public String appKey() { return appKey; }
    public String customerId() { return customerId; }
    public String clientAddress() { return clientAddress; }
    /** The handler's failure (class and message, masked), or why it timed out; {@code null} when none. */
    public String error() { return error; }
}
