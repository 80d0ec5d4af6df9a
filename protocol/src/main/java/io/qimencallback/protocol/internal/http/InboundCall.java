package io.qimencallback.protocol.internal.http;

import io.qimencallback.protocol.ContentKind;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.sign.ParamSource;
import io.qimencallback.protocol.internal.sign.SignatureBase;
import io.qimencallback.protocol.internal.sign.SignatureEvidence;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
    private final Map<String, String> formFields;
    private final SignatureBase signatureBase;

    /** Beyond this many parameters a request is refused before it is decoded (a gateway call has a few dozen). */
    public static final int MAX_PARAMETERS = 1000;
    private static final int MAX_NAME_IN_MESSAGE = 64;

    private InboundCall(RawRequest raw, ContentType contentType, Map<String, String> query, Map<String, String> params,
                        Map<String, String> formFields, SignatureBase signatureBase) {
        this.raw = raw;
        this.contentType = contentType;
        this.query = query;
        this.params = params;
        this.formFields = formFields;
        this.signatureBase = signatureBase;
    }

    /**
     * @throws QimenException {@code invalid-parameter} for a query or header parameter with an empty name; {@code invalid-body} for a charset other than those Qimen uses, more than
     *                        {@link #MAX_PARAMETERS} parameters, or a form field that is repeated or contradicts the
     *                        query string (it would reach a handler without being what was signed)
     */
    public static InboundCall parse(RawRequest raw) throws QimenException {
        Objects.requireNonNull(raw, "raw");
        ContentType ct = ContentType.of(raw.headers().get("Content-Type"), raw.body());
        Charset cs = ct.charset();
        boolean form = ct.kind() == ContentKind.FORM && raw.body().length > 0;
        // counted before anything is decoded or sorted: the signature has not been checked yet
        if (raw.rawQuery().chars().filter(c -> c == '&').count() + (form ? UrlEncoding.countPairs(raw.body()) : 0)
                >= MAX_PARAMETERS) {
            throw new QimenException(ErrorCode.INVALID_BODY, "more than " + MAX_PARAMETERS + " parameters");
        }
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
        if (params.containsKey("")) {
            // "&&", "=x" or an empty name in top-sign-list adds nothing to the signed string: a replay could carry it
            // and look new
            throw new QimenException(ErrorCode.INVALID_PARAMETER, "a parameter has an empty name");
        }
        Map<String, String> formFields = new LinkedHashMap<>();
        if (form) {
            List<String> problems = new ArrayList<>(1);
            UrlEncoding.forEachFormField(new String(raw.body(), cs), cs, (name, value) -> {
                if (!problems.isEmpty()) {
                    return; // the first problem is the answer
                }
                if (formFields.putIfAbsent(name, value) != null) {
                    problems.add("form field " + quoted(name) + " appears more than once");
                } else if (params.containsKey(name) && !params.get(name).equals(value)) {
                    problems.add("form field " + quoted(name) + " differs from the query parameter of the same name");
                }
            });
            if (!problems.isEmpty()) {
                throw new QimenException(ErrorCode.INVALID_BODY, problems.get(0));
            }
            formFields.forEach(params::putIfAbsent);
        }
        SignatureBase base = SignatureBase.of(params, ct.kind().signsBodyText() ? raw.body() : null, cs);
        return new InboundCall(raw, ct, Collections.unmodifiableMap(query), Collections.unmodifiableMap(params),
                Collections.unmodifiableMap(formFields), base);
    }

    /** A field name for an error message: the caller chose it, so it is capped to keep the message short. */
    private static String quoted(String name) {
        return "'" + (name.length() > MAX_NAME_IN_MESSAGE ? name.substring(0, MAX_NAME_IN_MESSAGE) + "…" : name) + "'";
    }

    /** The form fields, for form posts (each is also in {@link #params()}); empty otherwise. */
    public Map<String, String> formFields() {
        return formFields;
    }

    /**
     * The parameters a handler may trust once the signature matched: all of them, or — when it matched only with
     * empty-valued pairs left out — all but those pairs, which the signature did not cover.
     */
    public Map<String, String> signedParams(boolean emptyValuesDropped) {
        return emptyValuesDropped ? SignatureBase.withoutBlankPairs(params) : params;
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

    /**
     * Where each parameter came from ({@code sign} included), in arrival order. Derived on demand by the precedence
     * of {@link #parse} (query over headers, form fields only where neither has the name), so that the common path —
     * a call that verifies — pays nothing for it.
     */
    public Map<String, ParamSource> sources() {
        String signList = raw.headers().get(SystemParams.SIGN_LIST_HEADER);
        Set<String> headerNames = signList == null || signList.isBlank() ? Set.of()
                : new HashSet<>(Arrays.asList(signList.split(","))); // a name may repeat
        Map<String, ParamSource> sources = new LinkedHashMap<>();
        params.keySet().forEach(name -> sources.put(name, query.containsKey(name) ? ParamSource.QUERY
                : headerNames.contains(name) ? ParamSource.HEADER : ParamSource.FORM));
        return Collections.unmodifiableMap(sources);
    }

    /** What a signature check of this call looks at, for explaining a failure. */
    public SignatureEvidence signatureEvidence() {
        return new SignatureEvidence(signatureBase, sources(), raw.body().length, sign(), param(SystemParams.SIGN_METHOD));
    }
}
