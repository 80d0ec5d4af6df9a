package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The fields of a {@code deliveryorder.create} success answer, after {@code flag}, {@code code} and {@code message}:
 * protocol reference §5.2 ({@code createTime}, {@code deliveryOrderId}, {@code warehouseCode}, {@code logisticsCode};
 * SDK class {@code DeliveryorderCreateResponse} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/DeliveryorderCreateResponse.java">[S5]</a>);
 * fixture {@code deliveryorder.create.response.success.xml}. Split orders ({@code deliveryOrders/deliveryOrder*})
 * go in {@link #other()}. Absent (null) fields are left out of the answer.
 *
 * <pre>{@code
 * return QimenResponse.success(new DeliveryOrderCreateAnswer("2024-05-20 10:30:01", "WMS-OB-1", "WH-HZ-01", "YTO"));
 * }</pre>
 *
 * @param createTime      订单创建时间 in the WMS, {@code YYYY-MM-DD HH:MM:SS}
 * @param deliveryOrderId 仓储系统出库单号, the WMS's code for the order
 * @param warehouseCode   仓库编码
 * @param logisticsCode   物流公司编码
 * @param other           more answer fields, rendered after these; never null
 */
public record DeliveryOrderCreateAnswer(
        String createTime,
        String deliveryOrderId,
        String warehouseCode,
        String logisticsCode,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies {@code other}; null becomes an empty map.
     *
     * @param createTime      订单创建时间 in the WMS, {@code YYYY-MM-DD HH:MM:SS}
     * @param deliveryOrderId 仓储系统出库单号, the WMS's code for the order
     * @param warehouseCode   仓库编码
     * @param logisticsCode   物流公司编码
     * @param other           more answer fields, rendered after these; never null
     */
    public DeliveryOrderCreateAnswer {
        other = Fields.map(other);
    }

    /**
     * An answer without further fields.
     *
     * @param createTime      when the WMS created it, {@code YYYY-MM-DD HH:MM:SS}, or null
     * @param deliveryOrderId the WMS's code for the order
     * @param warehouseCode   the warehouse, or null
     * @param logisticsCode   the carrier, or null
     */
    public DeliveryOrderCreateAnswer(String createTime, String deliveryOrderId, String warehouseCode,
                                     String logisticsCode) {
        this(createTime, deliveryOrderId, warehouseCode, logisticsCode, null);
    }
}
