package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The fields of a {@code stockout.create} success answer: {@code createTime} and {@code deliveryOrderId} (SDK class
 * {@code StockoutCreateResponse} <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/StockoutCreateResponse.java">[S5]</a>). Absent (null) fields
 * are left out of the answer.
 *
 * @param createTime      订单创建时间, {@code YYYY-MM-DD HH:MM:SS}
 * @param deliveryOrderId 出库单仓储系统编码, the WMS's code for the order
 * @param other           more answer fields, rendered after these; never null
 */
public record StockoutCreateAnswer(
        String createTime,
        String deliveryOrderId,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies {@code other}; null becomes an empty map.
     *
     * @param createTime      订单创建时间, {@code YYYY-MM-DD HH:MM:SS}
     * @param deliveryOrderId 出库单仓储系统编码, the WMS's code for the order
     * @param other           more answer fields, rendered after these; never null
     */
    public StockoutCreateAnswer {
        other = Fields.map(other);
    }

    /**
     * An answer without further fields.
     *
     * @param createTime      when the WMS created it, or null
     * @param deliveryOrderId the WMS's code for the order
     */
    public StockoutCreateAnswer(String createTime, String deliveryOrderId) {
        this(createTime, deliveryOrderId, null);
    }
}
