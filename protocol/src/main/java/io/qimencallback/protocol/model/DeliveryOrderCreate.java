package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code deliveryorder.create} (发货单创建, {@code taobao.qimen.deliveryorder.create}): root
 * {@code <request>} with {@code deliveryOrder}, {@code orderLines/orderLine*} and {@code extendProps} (protocol
 * reference §5.2; SDK class {@code DeliveryorderCreateRequest}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/DeliveryorderCreateRequest.java">[S5]</a>;
 * fixture {@code deliveryorder.create.request.xml}). The SDK's {@code items} list, absent from every fixture, is in
 * {@link #other()}.
 *
 * <pre>{@code
 * DeliveryOrderCreate order = request.bodyAs(DeliveryOrderCreate.class);
 * String code = order.deliveryOrder().deliveryOrderCode();
 * }</pre>
 *
 * @param deliveryOrder 发货单信息; required
 * @param orderLines    订单行, one per {@code orderLine} element whether one or many; never null
 * @param extendProps   扩展属性, key/value elements; never null
 * @param other         every other field as sent; never null
 */
public record DeliveryOrderCreate(
        DeliveryOrder deliveryOrder,
        @JsonDeserialize(using = WrappedList.Reader.class) @JsonSerialize(using = WrappedList.Writer.class)
        List<OrderLine> orderLines,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the structure and copies the collections.
     *
     * @param deliveryOrder 发货单信息; required
     * @param orderLines    订单行, one per {@code orderLine} element whether one or many; never null
     * @param extendProps   扩展属性, key/value elements; never null
     * @param other         every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public DeliveryOrderCreate {
        Fields.required(deliveryOrder, "deliveryOrder");
        orderLines = Fields.list(orderLines);
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * Without personal data: the order as its own {@code toString} shows it, the number of lines, and of the maps
     * their field names only.
     *
     * @return e.g. {@code DeliveryOrderCreate[deliveryOrder=…, orderLines=2]}
     */
    @Override
    public String toString() {
        return Fields.describe("DeliveryOrderCreate", "deliveryOrder", deliveryOrder, "orderLines", orderLines.size(), "extendProps",
                extendProps.keySet(), "other", other.keySet());
    }
}
