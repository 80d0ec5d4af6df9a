package io.qimencallback.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.internal.http.ContentType;
import java.nio.charset.StandardCharsets;

/** An answer from a service address, with the Qimen fields read out of XML or JSON. */
public final class GatewayResponse {
    private final int status;
    private final String contentType;
    private final byte[] body;
    private final JsonNode tree;

    /** An answer as received; also for reading an answer rendered in-process (the test kit). */
    public GatewayResponse(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.tree = parse(contentType, body);
    }

    private static JsonNode parse(String contentType, byte[] body) {
        try {
            ContentType ct = ContentType.of(contentType, body);
            JsonNode root = BodyParser.parse(ct.kind(), body, ct.charset());
            // JSON answers are wrapped in "response"; XML ones have <response> as their root, already unwrapped
            return root.has("response") && root.get("response").isObject() ? root.get("response") : root;
        } catch (QimenException | RuntimeException e) {
            return MissingNode.getInstance();
        }
    }

    public int status() { return status; }
    public String contentType() { return contentType; }
    public String text() { return new String(body, StandardCharsets.UTF_8); }
    /** The content of {@code response}; {@link MissingNode} when the body is not a Qimen answer. */
    public JsonNode tree() { return tree; }
    public String flag() { return tree.path("flag").asText(null); }
    public String code() { return tree.path("code").asText(null); }
    public String message() { return tree.path("message").asText(null); }
    public boolean isSuccess() { return "success".equals(flag()); }

    @Override
    public String toString() {
        return "HTTP " + status + " " + contentType + "\n" + text();
    }
}
