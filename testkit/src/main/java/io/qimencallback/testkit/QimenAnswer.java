package io.qimencallback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.server.client.GatewayResponse;
import java.util.Objects;

/**
 * An answer as the gateway reads it: the HTTP status, the body as received, and the Qimen fields read out of the XML
 * ({@code <response>…</response>}) or JSON ({@code {"response":{…}}}) document.
 */
public final class QimenAnswer {
    private final GatewayResponse response;

    QimenAnswer(GatewayResponse response) {
        this.response = Objects.requireNonNull(response, "response");
    }

    /** The HTTP status: 200 for every protocol answer, failures included (503 when the server is over budget). */
    public int httpStatus() {
        return response.status();
    }

    /** The Content-Type header as received. */
    public String contentType() {
        return response.contentType();
    }

    /** The body as received (UTF-8). */
    public String raw() {
        return response.text();
    }

    /** {@code success} or {@code failure}; {@code null} when the body is not a Qimen answer. */
    public String flag() {
        return response.flag();
    }

    public String code() {
        return response.code();
    }

    public String message() {
        return response.message();
    }

    public boolean isSuccess() {
        return response.isSuccess();
    }

    /**
     * The content of {@code response} as a tree (XML elements repeated become arrays, all values text);
     * {@link com.fasterxml.jackson.databind.node.MissingNode} when the body is not a Qimen answer.
     */
    public JsonNode tree() {
        return response.tree();
    }

    /**
     * A field of the answer by its path below {@code response}, elements separated by {@code /} and list positions
     * as numbers: {@code deliveryOrderId}, {@code items/item/0/itemCode}.
     *
     * @return the text of the field, or {@code null} when absent or not a single value
     */
    public String field(String path) {
        Objects.requireNonNull(path, "path");
        JsonNode n = tree().at(path.startsWith("/") ? path : "/" + path);
        return n.isValueNode() ? n.asText() : null;
    }

    /**
     * The answer's fields mapped to a type, a record of the typed models ({@code DeliveryOrderCreateAnswer}) or the
     * test's own: unknown fields are ignored, a single element is read as a one-element list, an empty one as absent.
     *
     * @throws IllegalArgumentException naming the path that does not fit
     */
    public <T> T as(Class<T> type) {
        return Mapping.read(tree(), type);
    }

    @Override
    public String toString() {
        return response.toString();
    }
}
