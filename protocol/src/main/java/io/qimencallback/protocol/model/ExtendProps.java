package io.qimencallback.protocol.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code extendProps}: key/value child elements in the ERP–WMS APIs (protocol reference §5.2, [P3]); a JSON text in
 * the CRM ones (§5.1), which is read as the object it holds. Empty is an empty map.
 */
final class ExtendProps extends JsonDeserializer<Map<String, JsonNode>> {
    private static final ObjectMapper TEXT = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build()).build()).build();

    @Override
    public Map<String, JsonNode> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonNode node = ctxt.readTree(p);
        if (node.isTextual()) {
            String text = node.asText().strip();
            if (text.isEmpty()) {
                return Map.of();
            }
            if (text.startsWith("{")) {
                try {
                    node = TEXT.readTree(text);
                } catch (IOException e) {
                    return ctxt.reportInputMismatch(Map.class, "extendProps is neither elements nor a JSON object");
                }
            }
        }
        if (!node.isObject()) {
            return ctxt.reportInputMismatch(Map.class, "extendProps is neither elements nor a JSON object");
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Override
    public Map<String, JsonNode> getNullValue(DeserializationContext ctxt) {
        return Map.of();
    }
}
