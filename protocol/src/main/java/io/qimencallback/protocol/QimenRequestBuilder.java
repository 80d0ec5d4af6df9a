package io.qimencallback.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qimencallback.protocol.internal.ApiAccess;
import io.qimencallback.protocol.internal.SystemParams;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Builds a {@link QimenRequest}: see {@link QimenRequest#builder(String)}. Not thread-safe; each {@link #build()}
 * makes a new request from what was set so far.
 */
public final class QimenRequestBuilder {
    static {
        // the server's requests share the received bytes and build the tree lazily: not a choice a plugin gets
        ApiAccess.register((ApiAccess.RequestBodies) (b, bytes, kind, tree) -> {
            b.body = Objects.requireNonNull(bytes, "bytes");
            b.bodyKind = Objects.requireNonNull(kind, "kind");
            b.bodyTree = Objects.requireNonNull(tree, "tree");
        });
    }

    final String method;
    final Map<String, String> params = new LinkedHashMap<>();
    byte[] body = new byte[0];
    Charset charset = StandardCharsets.UTF_8;
    String contentType;
    ContentKind bodyKind = ContentKind.NONE;
    Supplier<JsonNode> bodyTree = MissingNode::getInstance;
    String remoteAddress = "127.0.0.1";
    Instant receivedAt = Instant.now();
    String callId = "test";
    Instant deadline;

    QimenRequestBuilder(String method) {
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
    public QimenRequestBuilder param(String name, String value) {
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
    public QimenRequestBuilder body(byte[] bytes, ContentKind kind, JsonNode tree) {
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
    public QimenRequestBuilder contentType(String contentType, Charset charset) {
        this.contentType = contentType;
        this.charset = Objects.requireNonNull(charset, "charset");
        return this;
    }

    /**
     * The caller's address (default {@code 127.0.0.1}).
     *
     * @param remoteAddress e.g. {@code 140.205.144.1}
     * @return this builder
     */
    public QimenRequestBuilder remoteAddress(String remoteAddress) {
        this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        return this;
    }

    /**
     * When the call arrived (default: when the builder was made).
     *
     * @param receivedAt the instant
     * @return this builder
     */
    public QimenRequestBuilder receivedAt(Instant receivedAt) {
        this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
        return this;
    }

    /**
     * The call's id. Default {@code test}, which no server gives a call: set a distinct one when a test tells calls
     * apart by {@link QimenRequest#callId()}.
     *
     * @param callId the id
     * @return this builder
     */
    public QimenRequestBuilder callId(String callId) {
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
    public QimenRequestBuilder deadline(Instant deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        return this;
    }

    /**
     * The request.
     *
     * @return a new request
     */
    public QimenRequest build() {
        return new QimenRequest(this);
    }
}
