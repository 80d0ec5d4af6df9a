package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One {@code items/item} element of an {@code inventory.query} answer: protocol reference §5.3
 * ({@code item{warehouseCode,itemCode,itemId,inventoryType,quantity,lockQuantity,batchCode,productDate,expireDate,
 * produceCode}}, SDK class {@code InventoryQueryResponse} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/InventoryQueryResponse.java">[S5]</a>);
 * fixture {@code inventory.query.response.success.xml}. Quantities are text (the WMS's own numbers, rendered as
 * given); absent (null) fields are left out.
 *
 * @param warehouseCode 仓库编码
 * @param itemCode      商品编码
 * @param itemId        仓储系统商品编码
 * @param inventoryType 库存类型 ({@code ZP} 正品, {@code CC} 残次, …)
 * @param quantity      未冻结库存数量
 * @param lockQuantity  冻结库存数量
 * @param batchCode     批次编码
 * @param productDate   商品生产日期, {@code YYYY-MM-DD}
 * @param expireDate    商品过期日期, {@code YYYY-MM-DD}
 * @param produceCode   生产批号
 * @param other         more fields, rendered after these; never null
 */
public record InventoryItem(
        String warehouseCode,
        String itemCode,
        String itemId,
        String inventoryType,
        String quantity,
        String lockQuantity,
        String batchCode,
        String productDate,
        String expireDate,
        String produceCode,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies {@code other}; null becomes an empty map.
     *
     * @param warehouseCode 仓库编码
     * @param itemCode      商品编码
     * @param itemId        仓储系统商品编码
     * @param inventoryType 库存类型 ({@code ZP} 正品, {@code CC} 残次, …)
     * @param quantity      未冻结库存数量
     * @param lockQuantity  冻结库存数量
     * @param batchCode     批次编码
     * @param productDate   商品生产日期, {@code YYYY-MM-DD}
     * @param expireDate    商品过期日期, {@code YYYY-MM-DD}
     * @param produceCode   生产批号
     * @param other         more fields, rendered after these; never null
     */
    public InventoryItem {
        other = Fields.map(other);
    }

    /**
     * An item without batch details.
     *
     * @param warehouseCode the warehouse
     * @param itemCode      the ERP's item code
     * @param itemId        the WMS's item code, or null
     * @param inventoryType the inventory type, e.g. {@code ZP}
     * @param quantity      the quantity available
     * @param lockQuantity  the quantity locked, or null
     */
    public InventoryItem(String warehouseCode, String itemCode, String itemId, String inventoryType, String quantity,
                         String lockQuantity) {
        this(warehouseCode, itemCode, itemId, inventoryType, quantity, lockQuantity, null, null, null, null, null);
    }
}
