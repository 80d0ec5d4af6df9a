package io.qimencallback.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

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

    /**
     * {@code Type[a=1, b=[x, y]]} from name/value pairs, absent and empty values left out: the {@code toString} of a
     * record that holds personal data, given only what may be shown (codes; field names for maps).
     */
    static String describe(String type, Object... namesAndValues) {
        StringJoiner j = new StringJoiner(", ", type + "[", "]");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object v = namesAndValues[i + 1];
            if (present(v)) {
                j.add(namesAndValues[i] + "=" + v);
            }
        }
        return j.toString();
    }

    /** The names of the pairs that have a value, never the values: all a record of a person shows of itself. */
    static String presentNames(Object... namesAndValues) {
        StringJoiner j = new StringJoiner(", ");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (present(namesAndValues[i + 1])) {
                j.add(namesAndValues[i].toString());
            }
        }
        return j.toString();
    }

    private static boolean present(Object v) {
        return v != null && !(v instanceof java.util.Collection<?> c && c.isEmpty())
                && !(v instanceof Map<?, ?> m && m.isEmpty()) && !(v instanceof String t && t.isEmpty());
    }
}
