package io.qimencallback.protocol.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.model.MissingFieldException;
import java.util.Objects;

/**
 * The one Jackson mapper between body trees and the typed models ({@code io.qimencallback.protocol.model}), and
 * between answer records and answer fields.
 *
 * <p>Configured for the trees {@code BodyParser} builds: XML text is all strings (JSON numbers and booleans become
 * strings too), an empty element is {@code ""} (read as absent where an object, list or map is expected), unknown
 * fields are the records' own business ({@code other()}), and answers leave absent ({@code null}) fields out.
 * Failures never echo a value of the body: messages name the path only, as they go to the caller verbatim.
 */
public final class ModelMapper {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull))
            .build();
    private static final int MAX_PATH = 200;

    private ModelMapper() {
    }

    /**
     * Maps a body tree to {@code type}.
     *
     * @throws QimenException {@code missing-parameter} when the body is empty or a required field is absent,
     *                        {@code invalid-parameter} when the body does not have the type's shape
     */
    public static <T> T read(JsonNode tree, Class<T> type) throws QimenException {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(type, "type");
        JsonNode body = unwrap(tree);
        if (body.isMissingNode() || body.isNull() || body.isTextual() && body.asText().isBlank()) {
            throw new QimenException(ErrorCode.MISSING_PARAMETER, "the body is empty");
        }
        try {
            T value = MAPPER.treeToValue(body, type);
            if (value == null) {
                throw new QimenException(ErrorCode.MISSING_PARAMETER, "the body is empty");
            }
            return value;
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof MissingFieldException missing) {
                throw new QimenException(ErrorCode.MISSING_PARAMETER, path(e, missing.field()) + " is required");
            }
            throw new QimenException(ErrorCode.INVALID_PARAMETER, where(e) + " is not valid");
        } catch (JsonMappingException e) {
            throw new QimenException(ErrorCode.INVALID_PARAMETER, where(e) + " does not have the expected shape");
        } catch (JsonProcessingException | RuntimeException e) {
            throw new QimenException(ErrorCode.INVALID_PARAMETER, "the body does not have the expected shape");
        }
    }

    /**
     * An answer record (or map) as the fields of an answer, in its component order, absent fields left out.
     *
     * @throws IllegalArgumentException when {@code answer} does not render as an object of fields
     */
    public static ObjectNode fields(Object answer) {
        Objects.requireNonNull(answer, "answer");
        JsonNode node = MAPPER.valueToTree(answer);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(answer.getClass().getName() + " does not render as answer fields");
        }
        return object;
    }

    /** A JSON body may wrap the content in {@code {"request":{…}}} as the XML root element does. */
    private static JsonNode unwrap(JsonNode tree) {
        if (tree.isObject() && tree.size() == 1 && tree.get("request") instanceof ObjectNode content) {
            return content;
        }
        return tree;
    }

    private static String where(JsonMappingException e) {
        String p = path(e, null);
        return p.isEmpty() ? "the body" : p;
    }

    /** {@code deliveryOrder/receiverInfo[0]/name}: names and indexes only, never values. */
    private static String path(JsonMappingException e, String last) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('/');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        if (last != null) {
            b.append(b.isEmpty() ? "" : "/").append(last);
        }
        return b.length() > MAX_PATH ? b.substring(0, MAX_PATH) + "…" : b.toString();
    }
}
