package io.qimencallback.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.qimencallback.protocol.internal.ModelMapper.MissingFieldException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The records' compact constructors share these: immutable copies, and required fields checked. */
final class Fields {
    private Fields() {
    }

    /** A required text: absent and blank (an empty element) are both missing. */
    static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new MissingFieldException(name);
        }
        return value;
    }

    static <T> T required(T value, String name) {
        if (value == null) {
            throw new MissingFieldException(name);
        }
        return value;
    }

    /** An unmodifiable copy without nulls (a JSON {@code [null]} or an empty XML element is no element). */
    static <T> List<T> list(List<T> items) {
        if (items == null || items.isEmpty()) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(items.size());
        for (T item : items) {
            if (item != null) {
                copy.add(item);
            }
        }
        return Collections.unmodifiableList(copy);
    }

    /** An unmodifiable copy in the body's order, each tree copied (trees are mutable). */
    static Map<String, JsonNode> map(Map<String, JsonNode> fields) {
        if (fields == null || fields.isEmpty()) {
            return Map.of();
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        fields.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "field name"),
                v == null ? NullNode.getInstance() : v.deepCopy()));
        return Collections.unmodifiableMap(copy);
    }
}
