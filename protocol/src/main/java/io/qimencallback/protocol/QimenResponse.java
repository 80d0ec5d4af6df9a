package io.qimencallback.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.qimencallback.protocol.internal.ApiAccess;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An answer in the Qimen shape: {@code flag}, {@code code}, {@code message}, then API-specific fields.
 *
 * <p>Immutable; {@link #with} returns a copy. Field values may be strings, numbers, booleans, maps, lists or Jackson
 * trees. A list renders in XML as repeated elements named after its field, so the Qimen shape
 * {@code <items><item/><item/></items>} is {@code with("items", Map.of("item", List.of(a, b)))} — which is also how
 * TOP's JSON looks ({@code "items":{"item":[…]}}).
 */
public final class QimenResponse {
    /** The {@code flag} of a success. */
    public static final String SUCCESS = "success";
    /** The {@code flag} of a failure. */
    public static final String FAILURE = "failure";
    private static final Set<String> RESERVED = Set.of("flag", "code", "message", "sub_code", "sub_message");
    private static final Pattern XML_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final ObjectMapper TREES = new ObjectMapper();

    static {
        // rendering reads the fields without copying them: the server's, not a plugin's, way to read them
        ApiAccess.register((ApiAccess.ResponseFields) r -> r.fields);
    }

    private final boolean success;
    private final String code;
    private final String message;
    private final Map<String, JsonNode> fields;

    private QimenResponse(boolean success, String code, String message, Map<String, JsonNode> fields) {
        this.success = success;
        this.code = Objects.requireNonNull(code, "code");
        this.message = Objects.requireNonNull(message, "message");
        this.fields = fields;
    }

    /** {@return {@code flag=success}, {@code code=0}, {@code message=ok}, as in the documented samples} */
    public static QimenResponse success() {
        return success("ok");
    }

    /**
     * {@code flag=success}, {@code code=0} and a message of the handler's own.
     *
     * @param message the answer's message
     * @return the answer
     */
    public static QimenResponse success(String message) {
        return new QimenResponse(true, "0", message, Map.of());
    }

    /**
     * {@code flag=success}, {@code code=0}, {@code message=ok}, followed by the fields of {@code answer}: an answer
     * record of {@link io.qimencallback.protocol.model} (e.g. {@code DeliveryOrderCreateAnswer}), another record or
     * bean, or a map. Its field names become the answer's elements (XML) or keys (JSON), in order; null fields are
     * left out. A {@link CharSequence} argument picks {@link #success(String)} instead.
     *
     * @param answer the answer's fields
     * @return the answer
     * @throws IllegalArgumentException when {@code answer} has no fields shape, or a field named {@code flag},
     *                                  {@code code}, {@code message}, {@code sub_code} or {@code sub_message}
     */
    public static QimenResponse success(Object answer) {
        return success().with(answer);
    }

    /**
     * A failure with the code's default message.
     *
     * @param errorCode the answer's code
     * @return the answer
     */
    public static QimenResponse failure(ErrorCode errorCode) {
        return failure(errorCode, errorCode.defaultMessage());
    }

    /**
     * A failure with its own message.
     *
     * @param errorCode the answer's code
     * @param message   the answer's message, sent as it is
     * @return the answer
     */
    public static QimenResponse failure(ErrorCode errorCode, String message) {
        return failure(errorCode.code(), message);
    }

    /**
     * A failure with an API-specific code, for handlers whose ERP has its own.
     *
     * @param code    the answer's {@code code}
     * @param message the answer's message, sent as it is
     * @return the answer
     */
    public static QimenResponse failure(String code, String message) {
        return new QimenResponse(false, code, message, Map.of());
    }

    /**
     * A copy with one more field (or a field replaced).
     *
     * @param name  the element (XML) or key (JSON) name
     * @param value a string, number, boolean, map, list, record or Jackson tree; null renders as an empty element
     * @return the copy
     * @throws IllegalArgumentException when {@code name} is reserved or not a valid element name
     */
    public QimenResponse with(String name, Object value) {
        Objects.requireNonNull(name, "name");
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is set by the response itself");
        }
        if (!XML_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid element name");
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>(fields);
        copy.put(name, tree(value));
        return new QimenResponse(success, code, message, Collections.unmodifiableMap(copy));
    }

    /**
     * A copy with every field of {@code answer} added (or replaced), as {@link #success(Object)} adds them: e.g.
     * {@code QimenResponse.success("accepted").with(new EntryOrderCreateAnswer("WMS-IB-1"))}.
     *
     * @param answer an answer record, another record or bean, or a map
     * @return the copy
     * @throws IllegalArgumentException as {@link #success(Object)}
     */
    public QimenResponse with(Object answer) {
        QimenResponse r = this;
        for (Map.Entry<String, JsonNode> e : io.qimencallback.protocol.internal.ModelMapper.fields(answer).properties()) {
            r = r.with(e.getKey(), e.getValue());
        }
        return r;
    }

    /** Scalars directly (the common case, and cheap); anything else through Jackson. */
    private static JsonNode tree(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof CharSequence text) {
            return TextNode.valueOf(text.toString());
        }
        if (value instanceof JsonNode node) {
            return node.deepCopy();
        }
        return TREES.valueToTree(value);
    }

    /**
     * Whether this is a success.
     *
     * @return {@code true} for {@code flag=success}
     */
    public boolean isSuccess() {
        return success;
    }

    /**
     * The {@code flag}.
     *
     * @return {@link #SUCCESS} or {@link #FAILURE}
     */
    public String flag() {
        return success ? SUCCESS : FAILURE;
    }

    /**
     * The {@code code}.
     *
     * @return {@code 0} for a success, else the failure's code
     */
    public String code() {
        return code;
    }

    /**
     * The {@code message}.
     *
     * @return the message
     */
    public String message() {
        return message;
    }

    /** {@return API-specific fields in insertion order; each value is a copy} */
    public Map<String, JsonNode> fields() {
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        fields.forEach((k, v) -> copy.put(k, v.deepCopy()));
        return copy;
    }

    @Override
    public String toString() {
        return "QimenResponse[" + flag() + ", code=" + code + ", message=" + message + ", fields=" + fields.keySet() + "]";
    }
}
