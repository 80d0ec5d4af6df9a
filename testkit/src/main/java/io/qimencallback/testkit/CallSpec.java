package io.qimencallback.testkit;

import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.Fixture;
import io.qimencallback.server.client.GatewayRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One call as the Qimen gateway makes it: the method, the business data (an XML or JSON body, or form fields), the
 * system parameters. Signed at the end with the server's own signing code, the one {@code qimen send} uses, so a test
 * sends exactly what the gateway would. The common part of {@link GatewayCall} (sent over HTTP) and
 * {@link QimenRequests.Builder} (verified in-process).
 *
 * @param <S> the concrete builder, for chaining
 */
public abstract class CallSpec<S extends CallSpec<S>> {
    private final String method;
    // applied in order to the signing builder once it exists (the charset and fixture decide how it starts)
    private final List<Consumer<GatewayRequest.Builder>> steps = new ArrayList<>();
    private Charset charset = StandardCharsets.UTF_8;
    private boolean fixture;

    CallSpec(String method) {
        this.method = Objects.requireNonNull(method, "method");
    }

    @SuppressWarnings("unchecked")
    private S step(Consumer<GatewayRequest.Builder> step) {
        steps.add(step);
        return (S) this;
    }

    /**
     * The method as given to {@code call(...)}.
     *
     * @return the method
     */
    public final String method() {
        return method;
    }

    /**
     * An XML body (root {@code <request>}), {@code text/xml}.
     *
     * @param body the document
     * @return this call, for chaining
     */
    public final S xml(String body) {
        Objects.requireNonNull(body, "body");
        return step(b -> b.xmlBody(body));
    }

    /**
     * A JSON body, {@code application/json}.
     *
     * @param body the document
     * @return this call, for chaining
     */
    public final S json(String body) {
        Objects.requireNonNull(body, "body");
        return step(b -> b.jsonBody(body));
    }

    /**
     * Form fields ({@code application/x-www-form-urlencoded}), signed as parameters, in the map's order.
     *
     * @param fields the fields, in order
     * @return this call, for chaining
     */
    public final S form(Map<String, String> fields) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(Objects.requireNonNull(fields, "fields"));
        return step(b -> copy.forEach(b::formField));
    }

    /**
     * The bundled fixture body of this method ({@link Fixtures#body}), fresh document codes and times, in the
     * fixture's own kind and format; calls made after this one (a parameter, another format) still apply.
     *
     * @return this call, for chaining
     * @throws IllegalArgumentException at send or build, when no fixture exists for the method
     */
    @SuppressWarnings("unchecked")
    public final S fixture() {
        this.fixture = true;
        return (S) this;
    }

    /**
     * A query parameter (a system parameter, {@code target_app_key}, ...), signed.
     *
     * @param name  the parameter's name
     * @param value its value
     * @return this call, for chaining
     */
    public final S param(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return step(b -> b.param(name, value));
    }

    /**
     * The {@code customerId} parameter (the owner code, 货主编码).
     *
     * @param customerId the owner code
     * @return this call, for chaining
     */
    public final S customerId(String customerId) {
        Objects.requireNonNull(customerId, "customerId");
        return step(b -> b.customerId(customerId));
    }

    /**
     * {@code xml} or {@code json}: the answer's format. Default: {@code json} for a JSON body, else {@code xml}.
     *
     * @param format {@code xml} or {@code json}
     * @return this call, for chaining
     */
    public final S format(String format) {
        Objects.requireNonNull(format, "format");
        return step(b -> b.format(format));
    }

    /**
     * {@code md5} (the default), {@code hmac} or {@code hmac-sha256}.
     *
     * @param signMethod {@code md5}, {@code hmac} or {@code hmac-sha256}
     * @return this call, for chaining
     */
    public final S signMethod(String signMethod) {
        SignMethod m = SignMethod.fromWireName(Objects.requireNonNull(signMethod, "signMethod"))
                .orElseThrow(() -> new IllegalArgumentException("unknown sign method " + signMethod
                        + " (md5, hmac or hmac-sha256)"));
        return step(b -> b.signMethod(m));
    }

    /**
     * The {@code timestamp} parameter; default: now (GMT+8), as the gateway sends it.
     *
     * @param timestamp the instant the call claims
     * @return this call, for chaining
     */
    public final S timestamp(Instant timestamp) {
        Objects.requireNonNull(timestamp, "timestamp");
        return step(b -> b.timestamp(timestamp));
    }

    /**
     * A request header (not signed unless listed in {@code top-sign-list}).
     *
     * @param name  the header's name
     * @param value its value
     * @return this call, for chaining
     */
    public final S header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return step(b -> b.header(name, value));
    }

    /**
     * The charset of the body and parameters (UTF-8 by default; the gateway also sends GBK).
     *
     * @param charset e.g. {@code GBK}
     * @return this call, for chaining
     */
    @SuppressWarnings("unchecked")
    public final S charset(Charset charset) {
        this.charset = Objects.requireNonNull(charset, "charset");
        return (S) this;
    }

    /** The signed request, with this app key and secret. */
    final GatewayRequest sign(String appKey, String secret) {
        GatewayRequest.Builder b;
        if (fixture) {
            Fixture f = Fixtures.named(method);
            b = f.call(f.kind(), charset).param(SystemParams.METHOD, method);
        } else {
            b = GatewayRequest.builder(method).charset(charset);
        }
        b.appKey(appKey).secret(secret);
        steps.forEach(s -> s.accept(b));
        return b.build();
    }
}
