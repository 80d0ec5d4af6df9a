package io.qimencallback.server.call;

import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.SystemParams;
import io.qimencallback.protocol.http.ContentType;
import io.qimencallback.protocol.http.RawRequest;
import io.qimencallback.protocol.QimenException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call on its way through the server. The worker fills in what it learns (format, method, app key) so that an
 * answer given from elsewhere — timeout, overload — is still rendered in the right format and logged with what is
 * known. Exactly one answer is ever given: see {@link #claimAnswer()}.
 */
public final class CallContext {
    /** Metrics tag for every method without a handler, so that callers cannot grow the tag set. */
    public static final String OTHER_METHOD = "other";

    private final RawRequest raw;
    private final long startNanos;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile ResponseFormat format;
    private volatile String method;
    private volatile String methodTag = OTHER_METHOD;
    private volatile String appKey;
    private volatile String customerId;
    private volatile String clientAddress;
    private volatile Future<?> work;
    private volatile Future<?> timer;
    private volatile Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();

    public CallContext(RawRequest raw, long startNanos) {
        this.raw = raw;
        this.startNanos = startNanos;
        this.format = guessFormat(raw);
        this.clientAddress = raw.peerAddress();
    }

    /**
     * Before the worker has parsed anything: from the query's {@code format} and the Content-Type alone, by a scan
     * that allocates nothing (the worker parses the query properly moments later).
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
    static String formatHint(String query) {
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

    /** True for the one caller that may answer; every later caller gets false. */
    public boolean claimAnswer() {
        return answered.compareAndSet(false, true);
    }

    public boolean isAnswered() {
        return answered.get();
    }

    void learn(ResponseFormat format, String method, String appKey, String customerId) {
        this.format = format;
        this.method = method;
        this.appKey = appKey;
        this.customerId = customerId;
    }

    void handled(String normalizedMethod, String clientAddress) {
        this.methodTag = normalizedMethod;
        this.clientAddress = clientAddress;
    }

    public void work(Future<?> work) {
        this.work = work;
    }

    /** Run once when the call ends (its answer written, or abandoned): returns what the call held. */
    public void onEnd(Runnable action) {
        this.onEnd = action;
    }

    public void end() {
        Runnable r = onEnd;
        if (r != null && ended.compareAndSet(false, true)) {
            r.run();
        }
    }

    public void timer(Future<?> timer) {
        this.timer = timer;
    }

    public void cancelTimer() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Interrupts the worker, if one is still running this call. */
    public void cancelWork() {
        Future<?> w = work;
        if (w != null) {
            w.cancel(true);
        }
    }

    public RawRequest raw() { return raw; }
    public long startNanos() { return startNanos; }
    public ResponseFormat format() { return format; }
    /** The method as sent, or {@code null} before it is known. */
    public String method() { return method; }
    /** The normalized method when a handler serves it, else {@link #OTHER_METHOD}. */
    public String methodTag() { return methodTag; }
    public String appKey() { return appKey; }
    public String customerId() { return customerId; }
    public String clientAddress() { return clientAddress; }
}
