package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code entryorder.create} (入库单创建, {@code taobao.qimen.entryorder.create}):
 * {@code <request><entryOrder>…</entryOrder><orderLines>…</orderLines></request>} (protocol reference §5.3; SDK class
 * {@code EntryorderCreateRequest} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/EntryorderCreateRequest.java">[S5]</a>; fixture
 * {@code entryorder.create.request.xml}).
 *
 * @param entryOrder  入库单信息; required
 * @param orderLines  单据行, one per {@code orderLine} element whether one or many; never null
 * @param extendProps 扩展属性, key/value elements; never null
 * @param other       every other field as sent; never null
 */
public record EntryOrderCreate(
        EntryOrder entryOrder,
        @JsonDeserialize(using = WrappedList.Reader.class) @JsonSerialize(using = WrappedList.Writer.class)
        List<OrderLine> orderLines,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the structure and copies the collections.
     *
     * @param entryOrder  入库单信息; required
     * @param orderLines  单据行, one per {@code orderLine} element whether one or many; never null
     * @param extendProps 扩展属性, key/value elements; never null
     * @param other       every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public EntryOrderCreate {
        Fields.required(entryOrder, "entryOrder");
        orderLines = Fields.list(orderLines);
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * Without personal data: the order as its own {@code toString} shows it, the number of lines, and of the maps
     * their field names only.
     *
     * @return e.g. {@code EntryOrderCreate[entryOrder=…, orderLines=2]}
     */
    @Override
    public String toString() {
        return Fields.describe("EntryOrderCreate", "entryOrder", entryOrder, "orderLines", orderLines.size(), "extendProps",
                extendProps.keySet(), "other", other.keySet());
    }
}
