package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code inventory.query} (库存查询, {@code taobao.qimen.inventory.query}):
 * {@code <request><criteriaList><criteria/>…</criteriaList></request>} (protocol reference §5.3; SDK class
 * {@code InventoryQueryRequest} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/InventoryQueryRequest.java">[S5]</a>; fixtures
 * {@code inventory.query.request.xml} with one criteria, {@code inventory.query.xml} with two).
 *
 * @param criteriaList 查询准则, one per {@code criteria} element whether one or many; never null
 * @param remark       备注
 * @param extendProps  扩展属性, key/value elements; never null
 * @param other        every other field as sent; never null
 */
public record InventoryQuery(
        @JsonDeserialize(using = WrappedList.Reader.class) @JsonSerialize(using = WrappedList.Writer.class)
        List<Criteria> criteriaList,
        String remark,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies the collections; nulls become empty ones.
     *
     * @param criteriaList 查询准则, one per {@code criteria} element whether one or many; never null
     * @param remark       备注
     * @param extendProps  扩展属性, key/value elements; never null
     * @param other        every other field as sent; never null
     */
    public InventoryQuery {
        criteriaList = Fields.list(criteriaList);
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }
}
