package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The {@code returnOrder} element (退货单信息) of {@code returnorder.create}. Fields: the {@code returnorder.create.xml}
 * fixture (SDK class {@code ReturnorderCreateRequest} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/ReturnorderCreateRequest.java">[S5]</a>);
 * anything else in {@link #other()}.
 *
 * @param returnOrderCode      退货单号, the ERP's document code; required
 * @param warehouseCode        仓库编码
 * @param orderType            单据类型 ({@code THRK} 退货入库, {@code HHRK} 换货入库)
 * @param preDeliveryOrderCode 原出库单号 (the delivery order returned)
 * @param logisticsCode        物流公司编码
 * @param logisticsName        物流公司名称
 * @param expressCode          运单号
 * @param returnReason         退货原因
 * @param buyerNick            买家昵称
 * @param senderInfo           发件人信息 (the buyer sending the goods back), or null
 * @param remark               备注
 * @param extendProps          扩展属性, key/value elements; never null
 * @param other                every other field as sent; never null
 */
public record ReturnOrder(
        String returnOrderCode,
        String warehouseCode,
        String orderType,
        String preDeliveryOrderCode,
        String logisticsCode,
        String logisticsName,
        String expressCode,
        String returnReason,
        String buyerNick,
        ContactInfo senderInfo,
        String remark,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the document code and copies the maps.
     *
     * @param returnOrderCode      退货单号, the ERP's document code; required
     * @param warehouseCode        仓库编码
     * @param orderType            单据类型 ({@code THRK} 退货入库, {@code HHRK} 换货入库)
     * @param preDeliveryOrderCode 原出库单号 (the delivery order returned)
     * @param logisticsCode        物流公司编码
     * @param logisticsName        物流公司名称
     * @param expressCode          运单号
     * @param returnReason         退货原因
     * @param buyerNick            买家昵称
     * @param senderInfo           发件人信息 (the buyer sending the goods back), or null
     * @param remark               备注
     * @param extendProps          扩展属性, key/value elements; never null
     * @param other                every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public ReturnOrder {
        Fields.required(returnOrderCode, "returnOrderCode");
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * The document's codes, without personal data: no nickname, reason or remark, the sender as
     * {@link ContactInfo#toString()} shows it, and of the maps their field names only.
     *
     * @return e.g. {@code ReturnOrder[returnOrderCode=RO1, warehouseCode=W1, orderType=THRK]}
     */
    @Override
    public String toString() {
        return Fields.describe("ReturnOrder", "returnOrderCode", returnOrderCode, "warehouseCode", warehouseCode,
                "orderType", orderType, "preDeliveryOrderCode", preDeliveryOrderCode, "logisticsCode", logisticsCode,
                "expressCode", expressCode, "senderInfo", senderInfo, "extendProps", extendProps.keySet(), "other",
                other.keySet());
    }
}
