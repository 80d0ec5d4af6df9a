package io.qimencallback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.ModelMapper;
import io.qimencallback.server.client.GatewayResponse;
import java.util.List;
import java.util.Objects;

/**
 * An answer as the gateway reads it: the HTTP status, the body as received, and the Qimen fields read out of the XML
 * ({@code <response>…</response>}) or JSON ({@code {"response":{…}}}) document.
 */
public final class QimenAnswer {
    // what every answer carries; the rest are the API's own fields
    private static final List<String> ENVELOPE = List.of("flag", "code", "message", "sub_code", "sub_message");
    private final GatewayResponse response;

    QimenAnswer(GatewayResponse response) {
        this.response = Objects.requireNonNull(response, "response");
    }

    /**
     * The HTTP status: 200 for every protocol answer, failures included (503 when the server is over budget).
     *
     * @return the status
     */
    public int httpStatus() {
        return response.status();
    }

    /**
     * The Content-Type header as received.
     *
     * @return the header
     */
    public String contentType() {
        return response.contentType();
    }

    /**
     * The body as received (UTF-8).
     *
     * @return the body
     */
    public String raw() {
        return response.text();
    }

    /**
     * {@code success} or {@code failure}; {@code null} when the body is not a Qimen answer.
     *
     * @return the flag
     */
    public String flag() {
        return response.flag();
    }

    /**
     * The {@code code}: {@code 0} for a success, else the failure's code ({@code invalid-body}, ...).
     *
     * @return the code; {@code null} when the body is not a Qimen answer
     */
    public String code() {
        return response.code();
    }

    /**
     * The {@code message}, as the server or the handler wrote it.
     *
     * @return the message; {@code null} when the body is not a Qimen answer
     */
    public String message() {
        return response.message();
    }

    /**
     * Whether the answer is a Qimen success ({@code flag=success}).
     *
     * @return {@code true} for a success; {@code false} for a failure or a body that is not a Qimen answer
     */
    public boolean isSuccess() {
        return response.isSuccess();
    }

    /**
     * The content of {@code response} as a tree (XML elements repeated become arrays, all values text);
     * {@link com.fasterxml.jackson.databind.node.MissingNode} when the body is not a Qimen answer.
     *
     * @return the tree
     */
    public JsonNode tree() {
        return response.tree();
    }

    /**
     * A field of the answer by its path below {@code response}, elements separated by {@code /} and list positions
     * as numbers: {@code deliveryOrderId}, {@code items/item/0/itemCode}.
     *
     * @return the text of the field, or {@code null} when absent or not a single value
     * @param path e.g. {@code items/item/0/itemCode}
     */
    public String field(String path) {
        Objects.requireNonNull(path, "path");
        JsonNode n = tree().at(path.startsWith("/") ? path : "/" + path);
        return n.isValueNode() ? n.asText() : null;
    }

    /**
     * The answer's fields after {@code flag}, {@code code} and {@code message}, mapped to a type as a handler's
     * {@code request.bodyAs} maps a body (the same mapper): an answer record of {@code io.qimencallback.protocol.model}
     * ({@code as(DeliveryOrderCreateAnswer.class)} equals the record the handler answered with) or the test's own.
     *
     * @param type the record or class
     * @param <T>  its type
     * @return the mapped fields
     * @throws IllegalArgumentException naming the type and the field that does not fit
     */
    public <T> T as(Class<T> type) {
        Objects.requireNonNull(type, "type");
        ObjectNode fields = tree() instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        fields.remove(ENVELOPE);
        try {
            return ModelMapper.read(fields, type);
        } catch (QimenException e) {
            throw new IllegalArgumentException("the answer does not map to " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return response.toString();
    }
}
