package io.qimencallback.server.recent;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.ContentType;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One call on the public port as the debug console shows it. Kept raw — query string and body bytes as received —
 * so that recording costs a few references; parameters are decoded, and personal data masked, only when shown.
 *
 * @param id          the call's id ({@link io.qimencallback.server.call.CallContext#id()}): the access log's
 *                    {@code id=}, and a {@code system-error}'s error id
 * @param time        when the request was received
 * @param method      the {@code method} parameter as sent; {@code null} when unknown
 * @param appKey      may be {@code null}
 * @param customerId  may be {@code null}
 * @param outcome     {@code success}, an error code, a handler's own code, or {@code http-413} and the like for
 *                    requests the HTTP layer refused
 * @param message     the answer's message; {@code null} for HTTP refusals
 * @param error       what went wrong in the handler — its exception's class and message, masked — or where it was
 *                    stuck at the deadline; {@code null} when nothing did. Never part of the answer.
 * @param latencyMillis from receipt to the answer
 * @param remote      the caller (the TCP peer, or the client behind a trusted proxy)
 * @param format      {@code xml} or {@code json}; {@code null} for HTTP refusals
 * @param contentType the request's Content-Type header; {@code null} when none
 * @param rawQuery    the query string as received
 * @param body        the body, at most {@link #MAX_BODY_BYTES} of it
 * @param bodyLength  the length of the whole body
 * @param httpMethod  {@code POST}, {@code GET}...
 * @param host        the request's Host header; {@code null} when none
 * @param answer      the answer as rendered and sent (UTF-8 XML or JSON), at most {@link #MAX_BODY_BYTES} of it;
 *                    empty for HTTP refusals
 */
public record RecentCall(String id, Instant time, String method, String appKey, String customerId, String outcome,
                         String message, String error, double latencyMillis, String remote, String format, String contentType,
                         String rawQuery, byte[] body, int bodyLength, String httpMethod, String host,
                         byte[] answer) {
    /** Body (and answer) bytes kept per call. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    public RecentCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(rawQuery, "rawQuery");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(httpMethod, "httpMethod");
        Objects.requireNonNull(answer, "answer");
    }

    /** The answer as text: answers are always rendered in UTF-8; not masked. */
    public String answerText() {
        return new String(answer, StandardCharsets.UTF_8);
    }

    public boolean truncated() {
        return body.length < bodyLength;
    }

    /** The parameters as received — query string, then form fields — without {@code sign}; not masked. */
    public Map<String, String> params() {
        Charset cs = charset();
        Map<String, String> params = new LinkedHashMap<>();
        try {
            params.putAll(UrlEncoding.parseQuery(rawQuery, cs));
            if (!truncated() && kind() == ContentKind.FORM) {
                UrlEncoding.parseForm(new String(body, cs), cs).forEach(params::putIfAbsent);
            }
        } catch (RuntimeException e) {
            params.put("(unreadable)", "the parameters could not be decoded");
        }
        params.remove(SystemParams.SIGN);
        return params;
    }

    /** The body as text in the request's charset (UTF-8 when none or an unusable one is named); not masked. */
    public String bodyText() {
        return new String(body, charset());
    }

    private Charset charset() {
        try {
            return ContentType.of(contentType, body).charset();
        } catch (QimenException | RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private ContentKind kind() {
        try {
            return ContentType.of(contentType, body).kind();
        } catch (QimenException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "RecentCall[" + id + " " + method + " " + outcome + "]"; // never parameters, body or error
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentCall c && id.equals(c.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
