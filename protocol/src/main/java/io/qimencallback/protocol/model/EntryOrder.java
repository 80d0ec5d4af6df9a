package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The {@code entryOrder} element (入库单信息) of {@code entryorder.create}. Fields: the fixtures
 * ({@code entryorder.create.request.xml}, {@code entryorder.create.xml}) and protocol reference §5.3 (SDK class
 * {@code EntryorderCreateRequest} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/EntryorderCreateRequest.java">[S5]</a>); anything else in
 * {@link #other()}. Times are the text sent ({@code YYYY-MM-DD HH:MM:SS}), as in {@link DeliveryOrder}.
 *
 * @param entryOrderCode  入库单号, the ERP's document code; required
 * @param ownerCode       货主编码
 * @param warehouseCode   仓库编码
 * @param orderCreateTime 订单创建时间
 * @param orderType       业务类型 ({@code CGRK} 采购入库, …)
 * @param expectStartTime 预期到货时间
 * @param expectEndTime   最迟预期到货时间
 * @param logisticsCode   物流公司编码
 * @param supplierCode    供应商编码
 * @param supplierName    供应商名称
 * @param operatorName    操作员名称
 * @param senderInfo      发件人信息, or null
 * @param remark          备注
 * @param extendProps     扩展属性, key/value elements; never null
 * @param other           every other field as sent; never null
 */
public record EntryOrder(
        String entryOrderCode,
        String ownerCode,
        String warehouseCode,
        String orderCreateTime,
        String orderType,
        String expectStartTime,
        String expectEndTime,
        String logisticsCode,
        String supplierCode,
        String supplierName,
        String operatorName,
        ContactInfo senderInfo,
        String remark,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the document code and copies the maps.
     *
     * @param entryOrderCode  入库单号, the ERP's document code; required
     * @param ownerCode       货主编码
     * @param warehouseCode   仓库编码
     * @param orderCreateTime 订单创建时间
     * @param orderType       业务类型 ({@code CGRK} 采购入库, …)
     * @param expectStartTime 预期到货时间
     * @param expectEndTime   最迟预期到货时间
     * @param logisticsCode   物流公司编码
     * @param supplierCode    供应商编码
     * @param supplierName    供应商名称
     * @param operatorName    操作员名称
     * @param senderInfo      发件人信息, or null
     * @param remark          备注
     * @param extendProps     扩展属性, key/value elements; never null
     * @param other           every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public EntryOrder {
        Fields.required(entryOrderCode, "entryOrderCode");
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * The document's codes, without personal data: no names or remarks, the sender as {@link ContactInfo#toString()}
     * shows it, and of the maps their field names only.
     *
     * @return e.g. {@code EntryOrder[entryOrderCode=EO1, ownerCode=O1, warehouseCode=W1]}
     */
    @Override
    public String toString() {
        return Fields.describe("EntryOrder", "entryOrderCode", entryOrderCode, "ownerCode", ownerCode, "warehouseCode",
                warehouseCode, "orderType", orderType, "logisticsCode", logisticsCode, "supplierCode", supplierCode,
                "senderInfo", senderInfo, "extendProps", extendProps.keySet(), "other", other.keySet());
    }
}
