package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;

/**
 * The fields of an {@code inventory.query} success answer: {@code items/item*} (protocol reference §5.3; SDK class
 * {@code InventoryQueryResponse} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/InventoryQueryResponse.java">[S5]</a>; fixture
 * {@code inventory.query.response.success.xml}), rendered {@code <items><item>…</item>…</items>} in XML and
 * {@code "items":{"item":[…]}} in JSON.
 *
 * @param items the items found, one {@code item} element each; never null
 * @param other more answer fields, rendered after them; never null
 */
public record InventoryQueryAnswer(
        @JsonDeserialize(using = WrappedList.Reader.class) @JsonSerialize(using = WrappedList.Writer.class)
        List<InventoryItem> items,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies the collections; nulls become empty ones.
     *
     * @param items the items found, one {@code item} element each; never null
     * @param other more answer fields, rendered after them; never null
     */
    public InventoryQueryAnswer {
        items = Fields.list(items);
        other = Fields.map(other);
    }

    /**
     * An answer with these items and no further fields.
     *
     * @param items the items found
     */
    public InventoryQueryAnswer(List<InventoryItem> items) {
        this(items, null);
    }
}
