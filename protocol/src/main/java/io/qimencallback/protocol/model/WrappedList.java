package io.qimencallback.protocol.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Qimen list shape: a wrapper element named after the list holding one element per item,
 * {@code <orderLines><orderLine/><orderLine/></orderLines>}, which in the tree of an XML body is an object whose
 * one field is an object (one item) or an array (several), and in TOP's JSON {@code "orderLines":{"orderLine":[…]}}.
 *
 * <p>The item's name comes from the list's: {@code criteriaList} holds {@code criteria}, {@code orderLines} holds
 * {@code orderLine}, {@code items} holds {@code item} (as in every list of the specification). Read leniently: a plain
 * array, or one item without its wrapper, are taken too; an empty wrapper is an empty list. Written in the wrapped
 * shape, which {@code ResponseWriter} renders as the repeated elements above.
 */
final class WrappedList {
    private WrappedList() {
    }

    static String itemName(String listName) {
        if (listName.endsWith("List") && listName.length() > 4) {
            return listName.substring(0, listName.length() - 4);
        }
        if (listName.endsWith("s") && listName.length() > 1) {
            return listName.substring(0, listName.length() - 1);
        }
        return listName;
    }

    /** Reads any of the shapes above into a list of the property's item type. */
    static final class Reader extends JsonDeserializer<List<?>> implements ContextualDeserializer {
        private final JavaType itemType;
        private final String itemName;

        Reader() {
            this(null, null);
        }

        private Reader(JavaType itemType, String itemName) {
            this.itemType = itemType;
            this.itemName = itemName;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return new Reader(property.getType().getContentType(), itemName(property.getName()));
        }

        @Override
        public List<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (itemType == null) {
                return ctxt.reportBadDefinition(List.class, "a wrapped list needs its property");
            }
            JsonNode node = ctxt.readTree(p);
            JsonNode items = node.isObject() && node.has(itemName) ? node.get(itemName) : node;
            List<Object> out = new ArrayList<>();
            if (items.isArray()) {
                for (JsonNode item : items) {
                    add(out, item, ctxt);
                }
            } else {
                add(out, items, ctxt);
            }
            return out;
        }

        private void add(List<Object> out, JsonNode item, DeserializationContext ctxt) throws IOException {
            if (item.isNull() || item.isMissingNode() || item.isTextual() && item.asText().isBlank()) {
                return; // <orderLines/>, <orderLine/>: nothing
            }
            if (!item.isObject()) {
                ctxt.reportInputMismatch(itemType, "expected %s elements", itemName);
            }
            out.add(ctxt.readTreeAsValue(item, itemType));
        }

        @Override
        public List<?> getNullValue(DeserializationContext ctxt) {
            return List.of();
        }
    }

    /** Writes {@code {"<item>":[…]}}. */
    static final class Writer extends JsonSerializer<List<?>> implements ContextualSerializer {
        private final String itemName;

        Writer() {
            this("item");
        }

        private Writer(String itemName) {
            this.itemName = itemName;
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider prov, BeanProperty property) {
            return property == null ? this : new Writer(itemName(property.getName()));
        }

        @Override
        public void serialize(List<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            gen.writeFieldName(itemName);
            gen.writeStartArray();
            for (Object item : value) {
                provider.defaultSerializeValue(item, gen);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
    }
}
