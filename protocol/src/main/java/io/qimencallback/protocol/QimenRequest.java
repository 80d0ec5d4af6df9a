package io.qimencallback.protocol;

import io.qimencallback.protocol.internal.SystemParams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.InboundCall;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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

    private QimenRequest(Builder b) {
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
        this.deadline = b.deadline;
    }

    /**
     * The request a server hands to handlers once {@code call} has been verified and its body parsed.
     *
     * @param call          the verified call
     * @param params        the parameters the signature covered ({@link InboundCall#signedParams})
     * @param bodyTree      the parsed body
     * @param remoteAddress the caller's address
     * @return the request
     */
    public static QimenRequest of(InboundCall call, Map<String, String> params, JsonNode bodyTree, String remoteAddress) {
        Objects.requireNonNull(bodyTree, "bodyTree");
        return of(call, params, () -> bodyTree, remoteAddress);
    }

    /**
     * As {@link #of(InboundCall, Map, JsonNode, String)}, with the tree built on a handler's first
     * {@link #bodyTree()} (the body was checked well-formed before: building it then does not fail).
     *
     * @param call          the verified call
     * @param params        the parameters the signature covered
     * @param bodyTree      builds the parsed body
     * @param remoteAddress the caller's address
     * @return the request
     */
    public static QimenRequest of(InboundCall call, Map<String, String> params, Supplier<JsonNode> bodyTree,
                                  String remoteAddress) {
        return from(call, params, bodyTree, remoteAddress).build();
    }

    /**
     * As {@link #of(InboundCall, Map, Supplier, String)}, for a server that adds the call id and deadline.
     *
     * @param call          the verified call
     * @param params        the parameters the signature covered
     * @param bodyTree      builds the parsed body
     * @param remoteAddress the caller's address
     * @return a builder holding all of it
     */
    public static Builder from(InboundCall call, Map<String, String> params, Supplier<JsonNode> bodyTree,
                               String remoteAddress) {
        Builder b = builder(call.param(SystemParams.METHOD));
        params.forEach((k, v) -> {
            if (!k.equals(SystemParams.SIGN)) {
                b.param(k, v);
            }
        });
        b.body = call.raw().body();
        b.charset = call.contentType().charset();
        b.contentType = call.contentType().header();
        b.bodyKind = call.contentType().kind();
        b.bodyTree = Objects.requireNonNull(bodyTree, "bodyTree");
        b.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        b.receivedAt = call.raw().receivedAt();
        return b;
    }

    /**
     * For tests of handlers, and for servers embedding handlers in other transports.
     *
     * @param method the method as it arrives, e.g. {@code taobao.qimen.deliveryorder.create}
     * @return a builder with no body, from {@code 127.0.0.1}, received now
     */
    public static Builder builder(String method) {
        return new Builder(method);
    }

    /** The method as it arrived, e.g. {@code taobao.qimen.deliveryorder.create}. */
    public String rawMethod() {
        return rawMethod;
    }

    /** The method as {@link MethodNames#normalize} gives it, e.g. {@code deliveryorder.create}. */
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

    /** The routing id of ERP–WMS calls ({@code customerId}), or {@code null}. */
    public String customerId() {
        return params.get(SystemParams.CUSTOMER_ID);
    }

    /** The {@code format} parameter as sent, or {@code null}. */
    public String formatParam() {
        return params.get(SystemParams.FORMAT);
    }

    /** The format the answer is rendered in. */
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

    /** Every signed parameter (headers in {@code top-sign-list}, query, form fields) except {@code sign}. */
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

    /** The body exactly as received, read-only. */
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

    /** The {@code Content-Type} header as sent, or {@code null}. */
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

    /** The caller's address, after trusted proxies are taken into account. */
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
     */
    public String callId() {
        return callId;
    }

    /** When the caller is answered {@code handler-timeout} if no answer is ready. */
    public Instant deadline() {
        return deadline;
    }

    /** The time left until {@link #deadline()}; zero once it has passed. */
    public Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    @Override
    public String toString() {
        // no parameters or body: they may carry personal data
        return "QimenRequest[" + method + ", app_key=" + appKey() + ", customerId=" + customerId() + "]";
    }

    /** Builds a {@link QimenRequest}: see {@link QimenRequest#builder(String)}. */
    public static final class Builder {
        private final String method;
        private final Map<String, String> params = new LinkedHashMap<>();
        private byte[] body = new byte[0];
        private Charset charset = StandardCharsets.UTF_8;
        private String contentType;
        private ContentKind bodyKind = ContentKind.NONE;
        private Supplier<JsonNode> bodyTree = MissingNode::getInstance;
        private String remoteAddress = "127.0.0.1";
        private Instant receivedAt = Instant.now();
        private String callId = "test";
        private Instant deadline;

        private Builder(String method) {
            this.method = Objects.requireNonNull(method, "method");
            params.put(SystemParams.METHOD, method);
        }

        /**
         * Adds (or replaces) a signed parameter.
         *
         * @param name  the parameter's name
         * @param value its value
         * @return this builder
         */
        public Builder param(String name, String value) {
            params.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A body with its kind and tree; {@code tree} is usually from the server's body parser.
         *
         * @param bytes the body as sent (copied)
         * @param kind  what it is
         * @param tree  its parsed tree, as {@link QimenRequest#bodyTree()} describes it
         * @return this builder
         */
        public Builder body(byte[] bytes, ContentKind kind, JsonNode tree) {
            this.body = Objects.requireNonNull(bytes, "bytes").clone();
            this.bodyKind = Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(tree, "tree");
            this.bodyTree = () -> tree;
            return this;
        }

        /**
         * The {@code Content-Type} header and the body's charset.
         *
         * @param contentType the header as sent, or null
         * @param charset     the body's charset
         * @return this builder
         */
        public Builder contentType(String contentType, Charset charset) {
            this.contentType = contentType;
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        /**
         * The caller's address.
         *
         * @param remoteAddress e.g. {@code 140.205.144.1}
         * @return this builder
         */
        public Builder remoteAddress(String remoteAddress) {
            this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
            return this;
        }

        /**
         * When the call arrived.
         *
         * @param receivedAt the instant
         * @return this builder
         */
        public Builder receivedAt(Instant receivedAt) {
            this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
            return this;
        }

        /**
         * The call's id (default {@code test}).
         *
         * @param callId the id
         * @return this builder
         */
        public Builder callId(String callId) {
            this.callId = Objects.requireNonNull(callId, "callId");
            return this;
        }

        /**
         * When the caller is answered {@code handler-timeout}. Default: ten seconds after
         * {@link #receivedAt(Instant)}, the server's default handler timeout.
         *
         * @param deadline the instant
         * @return this builder
         */
        public Builder deadline(Instant deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /**
         * The request.
         *
         * @return a new request
         */
        public QimenRequest build() {
            if (deadline == null) {
                deadline = receivedAt.plusSeconds(10);
            }
            return new QimenRequest(this);
        }
    }
}
