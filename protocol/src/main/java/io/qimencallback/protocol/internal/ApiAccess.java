package io.qimencallback.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequestBuilder;
import io.qimencallback.protocol.QimenResponse;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the server may do with the exported API's classes and a plugin may not: each class registers its hook once,
 * from its static initializer, so that the exported signatures stay free of the server's plumbing. A second
 * registration is refused (nothing outside those initializers can replace a hook).
 */
public final class ApiAccess {
    private static volatile RequestBodies requestBodies;
    private static volatile ResponseFields responseFields;

    private ApiAccess() {
    }

    /** Sets a request's body without copying it, its tree built on first use. */
    @FunctionalInterface
    public interface RequestBodies {
        /**
         * @param builder the builder
         * @param bytes   the body as received (not copied: never changed afterwards)
         * @param kind    what it is
         * @param tree    builds the parsed body
         */
        void set(QimenRequestBuilder builder, byte[] bytes, ContentKind kind, Supplier<JsonNode> tree);
    }

    /** An answer's fields without copying them. */
    @FunctionalInterface
    public interface ResponseFields {
        /**
         * @param response the answer
         * @return its fields, unmodifiable; the trees must not be changed
         */
        Map<String, JsonNode> view(QimenResponse response);
    }

    /** Called by {@link QimenRequestBuilder}'s static initializer. */
    public static synchronized void register(RequestBodies hook) {
        if (requestBodies != null) {
            throw new IllegalStateException("the request hook is registered already");
        }
        requestBodies = Objects.requireNonNull(hook, "hook");
    }

    /** Called by {@link QimenResponse}'s static initializer. */
    public static synchronized void register(ResponseFields hook) {
        if (responseFields != null) {
            throw new IllegalStateException("the response hook is registered already");
        }
        responseFields = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Gives {@code builder} the body as received, without a copy, and its tree built on a handler's first
     * {@code bodyTree()}.
     */
    public static QimenRequestBuilder lazyBody(QimenRequestBuilder builder, byte[] bytes, ContentKind kind,
                                               Supplier<JsonNode> tree) {
        Objects.requireNonNull(builder, "builder"); // a builder exists: its class, and so the hook, is initialized
        requestBodies.set(builder, bytes, kind, tree);
        return builder;
    }

    /** The fields of {@code response} without copying, for rendering it; its trees must not be changed. */
    public static Map<String, JsonNode> fieldsView(QimenResponse response) {
        Objects.requireNonNull(response, "response"); // as above: an instance means an initialized class
        return responseFields.view(response);
    }
}
