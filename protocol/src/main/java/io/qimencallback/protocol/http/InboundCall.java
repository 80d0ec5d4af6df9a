package io.qimencallback.protocol.http;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.SystemParams;
import io.qimencallback.protocol.sign.SignatureBase;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request decoded enough to be checked, and not yet trusted: its parameters gathered from the three sources of
 * spec §3.1 (headers named in {@code top-sign-list}, then the query string overriding them, then form fields the
 * query does not have) and the {@link SignatureBase} over them.
 */
public final class InboundCall {
    private final RawRequest raw;
    private final ContentType contentType;
    private final Map<String, String> query;
    private final Map<String, String> params;
    private final SignatureBase signatureBase;

    private InboundCall(RawRequest raw, ContentType contentType, Map<String, String> query, Map<String, String> params,
                        SignatureBase signatureBase) {
        this.raw = raw;
        this.contentType = contentType;
        this.query = query;
        this.params = params;
        this.signatureBase = signatureBase;
    }

    /** @throws QimenException {@code invalid-body} when the Content-Type names a charset this JVM lacks */
    public static InboundCall parse(RawRequest raw) throws QimenException {
        Objects.requireNonNull(raw, "raw");
        ContentType ct = ContentType.of(raw.headers().get("Content-Type"), raw.body());
        Charset cs = ct.charset();
        Map<String, String> params = new LinkedHashMap<>();
        String signList = raw.headers().get(SystemParams.SIGN_LIST_HEADER);
        if (signList != null && !signList.isBlank()) {
            for (String name : signList.split(",")) {
                String value = raw.headers().get(name);
                params.put(name, value == null || value.isBlank() ? "" : UrlEncoding.decode(value, cs));
            }
        }
        Map<String, String> query = UrlEncoding.parseQuery(raw.rawQuery(), cs);
        params.putAll(query);
        if (ct.kind() == ContentKind.FORM && raw.body().length > 0) {
            UrlEncoding.parseForm(new String(raw.body(), cs), cs).forEach(params::putIfAbsent);
        }
        SignatureBase base = SignatureBase.of(params, ct.kind().signsBodyText() ? raw.body() : null, cs);
        return new InboundCall(raw, ct, Collections.unmodifiableMap(query), Collections.unmodifiableMap(params), base);
    }

    /** A parameter from any signed source. */
    public String param(String name) {
        return params.get(name);
    }

    /** The claimed signature: from the query string, as {@code SpiUtils} reads it, else from any source. */
    public String sign() {
        String s = query.get(SystemParams.SIGN);
        return s != null ? s : params.get(SystemParams.SIGN);
    }

    /** All signed parameters, {@code sign} included, in arrival order. */
    public Map<String, String> params() {
        return params;
    }

    public RawRequest raw() {
        return raw;
    }

    public ContentType contentType() {
        return contentType;
    }

    public SignatureBase signatureBase() {
        return signatureBase;
    }
}
