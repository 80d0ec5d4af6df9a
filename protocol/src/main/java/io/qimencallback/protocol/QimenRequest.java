package io.qimencallback.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qimencallback.protocol.internal.SystemParams;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A call that passed every check: what a {@link io.qimencallback.protocol.handler.QimenHandler} receives.
 *
 * <p>Handlers only ever see verified requests. The body tree is the parsed XML (the content of the root element,
 * repeated elements as arrays), the JSON document, or the form fields; treat it as read-only.
 */
public final class QimenRequest {
    private final String rawMethod;
    private final String method;
    private final Map<String, String> params;
    private final byte[] body;
    private final Charset charset;
    private final String contentType;
    private final ContentKind bodyKind;
    /** Built on the first {@link #bodyTree()}: most answers never read it, and the tree is most of a call's cost. */
    private final Supplier<JsonNode> bodyTree;
    private JsonNode tree;
    private final String remoteAddress;
    private final Instant receivedAt;
    private final String callId;
    private final Instant deadline;

    QimenRequest(QimenRequestBuilder b) {
        this.rawMethod = Objects.requireNonNull(b.method, "method");
        this.method = MethodNames.normalize(rawMethod);
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
        this.body = b.body;
        this.charset = b.charset;
        this.contentType = b.contentType;
        this.bodyKind = b.bodyKind;
        this.bodyTree = b.bodyTree;
        this.remoteAddress = b.remoteAddress;
        this.receivedAt = b.receivedAt;
        this.callId = b.callId;
        this.deadline = b.deadline != null ? b.deadline : b.receivedAt.plusSeconds(10);
    }

    /**
     * For unit tests of handlers, and for servers embedding handlers in other transports. Nothing is verified: the
     * request is what the builder is given (a test that wants the server's own checks uses the test kit's
     * {@code QimenRequests}). Its defaults suit a unit test, not a real call: call id {@code test}, no body, from
     * {@code 127.0.0.1}, received now, deadline ten seconds later.
     *
     * @param method the method as it arrives, e.g. {@code taobao.qimen.deliveryorder.create}
     * @return a builder with those defaults
     */
    public static QimenRequestBuilder builder(String method) {
        return new QimenRequestBuilder(method);
    }

    /** {@return the method as it arrived, e.g. {@code taobao.qimen.deliveryorder.create}} */
    public String rawMethod() {
        return rawMethod;
    }

    /** {@return the method as {@link MethodNames#normalize} gives it, e.g. {@code deliveryorder.create}} */
    public String method() {
        return method;
    }

    /**
     * The caller's {@code app_key}.
     *
     * @return the app key, or {@code null}
     */
    public String appKey() {
        return params.get(SystemParams.APP_KEY);
    }

    /** {@return the routing id of ERP–WMS calls ({@code customerId}), or {@code null}} */
    public String customerId() {
        return params.get(SystemParams.CUSTOMER_ID);
    }

    /** {@return the {@code format} parameter as sent, or {@code null}} */
    public String formatParam() {
        return params.get(SystemParams.FORMAT);
    }

    /** {@return the format the answer is rendered in} */
    public ResponseFormat responseFormat() {
        return ResponseFormat.choose(formatParam(), bodyKind);
    }

    /**
     * The {@code sign_method} parameter as sent.
     *
     * @return {@code md5}, {@code hmac}, {@code hmac-sha256}, or {@code null}
     */
    public String signMethod() {
        return params.get(SystemParams.SIGN_METHOD);
    }

    /**
     * The {@code timestamp} parameter as sent ({@link QimenTime#parse} reads it).
     *
     * @return the timestamp, or {@code null}
     */
    public String timestamp() {
        return params.get(SystemParams.TIMESTAMP);
    }

    /**
     * The {@code v} parameter as sent.
     *
     * @return the version, e.g. {@code 2.0}, or {@code null}
     */
    public String version() {
        return params.get(SystemParams.VERSION);
    }

    /** {@return every signed parameter (headers in {@code top-sign-list}, query, form fields) except {@code sign}} */
    public Map<String, String> params() {
        return params;
    }

    /**
     * One signed parameter.
     *
     * @param name the parameter's name
     * @return its value, or empty
     */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** {@return the body exactly as received, read-only} */
    public ByteBuffer body() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /**
     * The body decoded in its charset.
     *
     * @return the text, empty when there is no body
     */
    public String bodyText() {
        return new String(body, charset);
    }

    /**
     * The body's charset, from {@code Content-Type} (UTF-8 by default).
     *
     * @return the charset
     */
    public Charset charset() {
        return charset;
    }

    /** {@return the {@code Content-Type} header as sent, or {@code null}} */
    public String contentType() {
        return contentType;
    }

    /**
     * What the body is, from {@code Content-Type}.
     *
     * @return the kind
     */
    public ContentKind bodyKind() {
        return bodyKind;
    }

    /**
     * The parsed body; {@link MissingNode} when there is none to parse. Built on the first call (a request is handled
     * by one thread at a time, and the tree is the same whoever builds it).
     *
     * @return the tree, read-only by convention
     */
    public JsonNode bodyTree() {
        JsonNode t = tree;
        if (t == null) {
            t = Objects.requireNonNull(bodyTree.get(), "body tree");
            tree = t;
        }
        return t;
    }

    /**
     * The body mapped to a typed model, e.g. {@code bodyAs(DeliveryOrderCreate.class)}: a record of
     * {@link io.qimencallback.protocol.model}, or any type Jackson can build from {@link #bodyTree()} (the content of
     * the XML root element, the JSON document, or the form fields). A JSON body wrapped as {@code {"request":{…}}} is
     * unwrapped, like the XML root. Each call maps anew.
     *
     * @param type the model's class
     * @param <T>  the model's type
     * @return the model, never null
     * @throws QimenException {@code missing-parameter} when the body is empty or a required field is absent,
     *                        {@code invalid-parameter} when it does not have the model's shape; the message names the
     *                        field's path, never a value, and can be answered as it is ({@link QimenException#toResponse()})
     */
    public <T> T bodyAs(Class<T> type) throws QimenException {
        Objects.requireNonNull(type, "type");
        return io.qimencallback.protocol.internal.ModelMapper.read(bodyTree(), type);
    }

    /**
     * One value of the body by its path below the root ({@code deliveryOrder/deliveryOrderCode}), read by streaming
     * and stopping at the first match, without building {@link #bodyTree()}: the cheap way to read a document code.
     * For a form post, the field of that name. Empty when there is no such scalar value.
     *
     * @param path element or field names below the root, separated by {@code /}
     * @return the value's text, or empty
     */
    public Optional<String> bodyValue(String path) {
        Objects.requireNonNull(path, "path");
        if (tree != null || bodyKind == ContentKind.FORM) {
            JsonNode v = bodyTree().at("/" + path);
            return v.isValueNode() ? Optional.of(v.asText()) : Optional.empty();
        }
        try {
            return io.qimencallback.protocol.internal.body.BodyParser.find(bodyKind, body, charset, path);
        } catch (QimenException e) {
            throw new IllegalStateException("the body was checked well-formed, then did not parse", e);
        }
    }

    /** {@return the caller's address, after trusted proxies are taken into account} */
    public String remoteAddress() {
        return remoteAddress;
    }

    /**
     * When the call's first byte arrived.
     *
     * @return the instant
     */
    public Instant receivedAt() {
        return receivedAt;
    }

    /**
     * The call's id: the one the access log, the debug console and a {@code system-error} answer show, so that a
     * handler's own log lines can be tied to them.
     *
     * @return the id
     */
    public String callId() {
        return callId;
    }

    /** {@return when the caller is answered {@code handler-timeout} if no answer is ready} */
    public Instant deadline() {
        return deadline;
    }

    /** {@return the time left until {@link #deadline()}; zero once it has passed} */
    public Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    @Override
    public String toString() {
        // no parameters or body: they may carry personal data
        return "QimenRequest[" + method + ", app_key=" + appKey() + ", customerId=" + customerId() + "]";
    }
}
