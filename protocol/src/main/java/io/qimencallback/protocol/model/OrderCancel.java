package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The body of {@code order.cancel} (单据取消, {@code taobao.qimen.order.cancel}): flat fields under {@code <request>}
 * (SDK class {@code OrderCancelRequest} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/OrderCancelRequest.java">[S5]</a>, whose
 * {@code check()} requires {@code orderCode} and {@code warehouseCode}; fixture {@code order.cancel.xml}). Its answer
 * has no field of its own ({@code OrderCancelResponse} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/OrderCancelResponse.java">[S5]</a>):
 * answer with {@link io.qimencallback.protocol.QimenResponse#success()}.
 *
 * @param warehouseCode 仓库编码; required
 * @param ownerCode     货主编码
 * @param orderCode     单据编码, the code of the document to cancel; required
 * @param orderId       仓储系统单据编码
 * @param orderType     单据类型 ({@code JYCK}, {@code CGRK}, {@code THRK}, …)
 * @param cancelReason  取消原因
 * @param extendProps   扩展属性, key/value elements; never null
 * @param other         every other field as sent; never null
 */
public record OrderCancel(
        String warehouseCode,
        String ownerCode,
        String orderCode,
        String orderId,
        String orderType,
        String cancelReason,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the required fields and copies the maps.
     *
     * @param warehouseCode 仓库编码; required
     * @param ownerCode     货主编码
     * @param orderCode     单据编码, the code of the document to cancel; required
     * @param orderId       仓储系统单据编码
     * @param orderType     单据类型 ({@code JYCK}, {@code CGRK}, {@code THRK}, …)
     * @param cancelReason  取消原因
     * @param extendProps   扩展属性, key/value elements; never null
     * @param other         every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public OrderCancel {
        Fields.required(orderCode, "orderCode");
        Fields.required(warehouseCode, "warehouseCode");
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }
}
