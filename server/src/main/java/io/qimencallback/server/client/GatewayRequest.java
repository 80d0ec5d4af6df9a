package io.qimencallback.server.client;

import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.protocol.internal.sign.SignatureBase;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request as the Qimen gateway sends it to a service address: system parameters in the query string, signed with
 * the same {@link SignMethod} code the server verifies with. Used by the {@code send} command and the tests; its
 * knobs for breaking a request on purpose (another sign, a body changed after signing) serve the latter.
 */
public final class GatewayRequest {
    private final String httpMethod;
    private final String query;
    private final Map<String, String> headers;
    private final byte[] body;
    private final String sign;
    private final SignatureBase signatureBase;

    private GatewayRequest(String httpMethod, String query, Map<String, String> headers, byte[] body, String sign,
                           SignatureBase signatureBase) {
        this.httpMethod = httpMethod;
        this.query = query;
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.sign = sign;
        this.signatureBase = signatureBase;
    }

    public static Builder builder(String method) {
        return new Builder(method);
    }

    public String httpMethod() { return httpMethod; }
    /** The encoded query string, {@code sign} included, without {@code ?}. */
    public String query() { return query; }
    public Map<String, String> headers() { return headers; }
    public byte[] body() { return body.clone(); }
    public String sign() { return sign; }
    /** What was signed; {@link SignatureBase#explain} shows it. */
    public SignatureBase signatureBase() { return signatureBase; }

    public static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>();
        private final Map<String, String> form = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> signedHeaders = new LinkedHashMap<>();
        private String httpMethod = "POST";
        private String appKey;
        private String secret;
        private SignMethod signMethod = SignMethod.MD5;
        private String timestamp;
        private String format;
        private byte[] body = new byte[0];
        private String contentType;
        private Charset charset = StandardCharsets.UTF_8;
        private boolean spaceAsPercent20;
        private String signOverride;
        private byte[] bodyAfterSigning;
        private boolean omitSign;

        private Builder(String method) {
            params.put(SystemParams.METHOD, Objects.requireNonNull(method, "method"));
        }

        public Builder appKey(String appKey) { this.appKey = Objects.requireNonNull(appKey); return this; }
        public Builder secret(String secret) { this.secret = Objects.requireNonNull(secret); return this; }
        public Builder signMethod(SignMethod m) { this.signMethod = Objects.requireNonNull(m); return this; }
        public Builder customerId(String id) { return param(SystemParams.CUSTOMER_ID, id); }
        /** {@code xml} or {@code json}; by default, {@code json} for a JSON body and {@code xml} otherwise. */
        public Builder format(String format) { this.format = Objects.requireNonNull(format); return this; }
        /** Default: now, in GMT+8. */
        public Builder timestamp(Instant t) { this.timestamp = QimenTime.format(t); return this; }
        /** The timestamp parameter verbatim, for malformed ones. */
        public Builder timestampText(String t) { this.timestamp = Objects.requireNonNull(t); return this; }
        public Builder param(String name, String value) { params.put(name, Objects.requireNonNull(value)); return this; }
        public Builder removeParam(String name) { params.put(name, null); return this; }
        public Builder get() { this.httpMethod = "GET"; return this; }
        public Builder charset(Charset cs) { this.charset = Objects.requireNonNull(cs); return this; }
        public Builder header(String name, String value) { headers.put(name, value); return this; }
        /** A header listed in {@code top-sign-list}, and so signed. */
        public Builder signedHeader(String name, String value) { signedHeaders.put(name, value); return this; }
        /** Encode spaces as {@code %20} rather than {@code +}. */
        public Builder spaceAsPercent20() { this.spaceAsPercent20 = true; return this; }

        public Builder xmlBody(String xml) { return body(xml, "text/xml"); }
        public Builder jsonBody(String json) { return body(json, "application/json"); }

        /** A text body, encoded in the request charset and signed. */
        public Builder body(String text, String mimeType) {
            this.body = text.getBytes(charset);
            this.contentType = mimeType;
            return this;
        }

        /** Exact body bytes with their Content-Type header value (charset parameter included, if any). */
        public Builder rawBody(byte[] bytes, String contentTypeHeader) {
            this.body = bytes.clone();
            this.contentType = contentTypeHeader;
            return this;
        }

        /** A form field: the body becomes {@code application/x-www-form-urlencoded}, its fields signed as parameters. */
        public Builder formField(String name, String value) { form.put(name, value); return this; }

        /** Send this sign instead of the computed one. */
        public Builder signOverride(String sign) { this.signOverride = sign; return this; }
        /** Send no {@code sign} parameter at all. */
        public Builder omitSign() { this.omitSign = true; return this; }
        /** Sign the body given, then send this one instead. */
        public Builder bodyAfterSigning(String text) { this.bodyAfterSigning = text.getBytes(charset); return this; }

        public GatewayRequest build() {
            Objects.requireNonNull(secret, "secret");
            Map<String, String> p = new LinkedHashMap<>();
            p.put(SystemParams.TIMESTAMP, timestamp != null ? timestamp : QimenTime.format(Instant.now()));
            p.put(SystemParams.FORMAT, format != null ? format : contentType != null && contentType.contains("json") ? "json" : "xml");
            if (appKey != null) {
                p.put(SystemParams.APP_KEY, appKey);
            }
            p.put(SystemParams.VERSION, "2.0");
            p.put(SystemParams.SIGN_METHOD, signMethod.wireName());
            params.forEach(p::put);
            p.values().removeIf(Objects::isNull);

            Map<String, String> h = new LinkedHashMap<>(headers);
            Map<String, String> signed = new LinkedHashMap<>(signedHeaders);
            if (!signedHeaders.isEmpty()) {
                h.put(SystemParams.SIGN_LIST_HEADER, String.join(",", signedHeaders.keySet()));
                signedHeaders.forEach((k, v) -> h.put(k, encode(v)));
            }
            signed.putAll(p);
            byte[] sendBody = body;
            byte[] signedBody = body.length == 0 ? null : body;
            String type = contentType;
            if (!form.isEmpty()) {
                form.forEach(signed::putIfAbsent);
                StringBuilder fb = new StringBuilder();
                form.forEach((k, v) -> fb.append(fb.length() == 0 ? "" : "&").append(encode(k)).append('=').append(encode(v)));
                sendBody = fb.toString().getBytes(StandardCharsets.US_ASCII);
                signedBody = null;
                type = "application/x-www-form-urlencoded";
            }
            SignatureBase base = SignatureBase.of(signed, signedBody, charset);
            String sign = signOverride != null ? signOverride : signMethod.sign(base, secret);
            if (bodyAfterSigning != null) {
                sendBody = bodyAfterSigning;
            }
            if (type != null && !type.contains("charset=")) {
                h.put("Content-Type", type + ";charset=" + charset.name().toLowerCase(java.util.Locale.ROOT));
            } else if (type != null) {
                h.put("Content-Type", type);
            }
            StringBuilder q = new StringBuilder();
            p.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(encode(k)).append('=').append(encode(v)));
            if (!omitSign) {
                q.append('&').append(SystemParams.SIGN).append('=').append(encode(sign));
            }
            return new GatewayRequest(httpMethod, q.toString(), h, sendBody, sign, base);
        }

        private String encode(String s) {
            String e = UrlEncoding.encode(s, charset);
            return spaceAsPercent20 ? e.replace("+", "%20") : e;
        }
    }
}
