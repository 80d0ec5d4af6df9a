package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code stockout.create} (出库单创建, {@code taobao.qimen.stockout.create}, for outbound orders other than
 * sales): root {@code <request>} with {@code deliveryOrder}, {@code orderLines/orderLine*} and {@code extendProps}
 * (SDK class {@code StockoutCreateRequest}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/StockoutCreateRequest.java">[S5]</a>; fixture {@code stockout.create.xml}).
 *
 * @param deliveryOrder 出库单信息; required
 * @param orderLines    单据行, one per {@code orderLine} element whether one or many; never null
 * @param extendProps   扩展属性, key/value elements; never null
 * @param other         every other field as sent; never null
 */
public record StockoutCreate(
        DeliveryOrder deliveryOrder,
        @JsonDeserialize(using = WrappedList.Reader.class) @JsonSerialize(using = WrappedList.Writer.class)
        List<OrderLine> orderLines,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the structure and copies the collections.
     *
     * @param deliveryOrder 出库单信息; required
     * @param orderLines    单据行, one per {@code orderLine} element whether one or many; never null
     * @param extendProps   扩展属性, key/value elements; never null
     * @param other         every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public StockoutCreate {
        Fields.required(deliveryOrder, "deliveryOrder");
        orderLines = Fields.list(orderLines);
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * Without personal data: the order as its own {@code toString} shows it, the number of lines, and of the maps
     * their field names only.
     *
     * @return e.g. {@code StockoutCreate[deliveryOrder=…, orderLines=2]}
     */
    @Override
    public String toString() {
        return Fields.describe("StockoutCreate", "deliveryOrder", deliveryOrder, "orderLines", orderLines.size(), "extendProps",
                extendProps.keySet(), "other", other.keySet());
    }
}
