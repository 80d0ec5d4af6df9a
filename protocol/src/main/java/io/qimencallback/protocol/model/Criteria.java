package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * One {@code criteriaList/criteria} element (查询准则) of {@code inventory.query}: protocol reference §5.3
 * ({@code criteria{warehouseCode, ownerCode, itemCode, itemId, inventoryType}}, SDK class
 * {@code InventoryQueryRequest} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/InventoryQueryRequest.java">[S5]</a>); fixture
 * {@code inventory.query.request.xml}.
 *
 * @param warehouseCode 仓库编码
 * @param ownerCode     货主编码
 * @param itemCode      商品编码
 * @param itemId        仓储系统商品编码
 * @param inventoryType 库存类型 ({@code ZP} 正品, {@code CC} 残次, …)
 * @param extendProps   扩展属性, key/value elements; never null
 * @param other         every other field as sent; never null
 */
public record Criteria(
        String warehouseCode,
        String ownerCode,
        String itemCode,
        String itemId,
        String inventoryType,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies the maps; nulls become empty maps.
     *
     * @param warehouseCode 仓库编码
     * @param ownerCode     货主编码
     * @param itemCode      商品编码
     * @param itemId        仓储系统商品编码
     * @param inventoryType 库存类型 ({@code ZP} 正品, {@code CC} 残次, …)
     * @param extendProps   扩展属性, key/value elements; never null
     * @param other         every other field as sent; never null
     */
    public Criteria {
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }
}
