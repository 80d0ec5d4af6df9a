package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The body of {@code singleitem.synchronize} (商品同步, {@code taobao.qimen.singleitem.synchronize}): {@code actionType},
 * {@code warehouseCode}, {@code ownerCode}, {@code supplierCode}, {@code supplierName} and {@code item} (protocol
 * reference §5.3; SDK class {@code SingleitemSynchronizeRequest}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/SingleitemSynchronizeRequest.java">[S5]</a>, whose {@code check()} requires
 * {@code actionType}, {@code ownerCode} and {@code warehouseCode}; fixture {@code singleitem.synchronize.xml}).
 *
 * @param actionType    操作类型, {@code add} or {@code update}; required
 * @param warehouseCode 仓库编码 ({@code OTHER} when the ERP does not choose); required
 * @param ownerCode     货主编码; required
 * @param supplierCode  供应商编码
 * @param supplierName  供应商名称
 * @param item          商品信息; required
 * @param extendProps   扩展属性, key/value elements; never null
 * @param other         every other field as sent; never null
 */
public record SingleitemSynchronize(
        String actionType,
        String warehouseCode,
        String ownerCode,
        String supplierCode,
        String supplierName,
        Item item,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the required fields and copies the maps. {@code item} is absent or blank
     *
     * @param actionType    操作类型, {@code add} or {@code update}; required
     * @param warehouseCode 仓库编码 ({@code OTHER} when the ERP does not choose); required
     * @param ownerCode     货主编码; required
     * @param supplierCode  供应商编码
     * @param supplierName  供应商名称
     * @param item          商品信息; required
     * @param extendProps   扩展属性, key/value elements; never null
     * @param other         every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public SingleitemSynchronize {
        Fields.required(actionType, "actionType");
        Fields.required(warehouseCode, "warehouseCode");
        Fields.required(ownerCode, "ownerCode");
        Fields.required(item, "item");
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }
}
