package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * One {@code orderLines/orderLine} element (订单行) of {@code deliveryorder.create}, {@code entryorder.create},
 * {@code returnorder.create} and {@code stockout.create}. Fields: protocol reference §5.2 ({@code orderLine:
 * orderLineNo … actualPrice}, from the SDK's {@code DeliveryorderCreateRequest.OrderLine}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/DeliveryorderCreateRequest.java">[S5]</a>),
 * {@code purchasePrice} from the {@code entryorder.create} fixture, {@code remark}/{@code extendProps} from [P3];
 * anything else in {@link #other()}.
 *
 * <p>Quantities and prices stay text: Qimen sends decimal strings ({@code "99.00"}, {@code "2"}) and the
 * specification does not fix their scale, so a handler parses them (e.g. {@code new BigDecimal(planQty)}) as its ERP
 * needs, and nothing is lost or reformatted on the way.
 *
 * @param orderLineNo        单据行号, line number
 * @param sourceOrderCode    交易平台订单号, platform order code
 * @param subSourceOrderCode 交易平台子订单号, platform sub-order code
 * @param ownerCode          货主编码, owner code
 * @param itemCode           商品编码, item code
 * @param itemId             仓储系统商品编码, the WMS's item id
 * @param inventoryType      库存类型 (e.g. {@code ZP} 正品, {@code CC} 残次), inventory type
 * @param itemName           商品名称, item name
 * @param planQty            应发/应收商品数量, planned quantity (decimal text)
 * @param retailPrice        零售价, retail price (decimal text)
 * @param actualPrice        实际成交价, actual price (decimal text)
 * @param purchasePrice      采购价, purchase price (decimal text; {@code entryorder.create})
 * @param remark             备注, remark
 * @param extendProps        扩展属性, key/value elements; never null
 * @param other              every other field as sent; never null
 */
public record OrderLine(
        String orderLineNo,
        String sourceOrderCode,
        String subSourceOrderCode,
        String ownerCode,
        String itemCode,
        String itemId,
        String inventoryType,
        String itemName,
        String planQty,
        String retailPrice,
        String actualPrice,
        String purchasePrice,
        String remark,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies the maps; nulls become empty maps.
     *
     * @param orderLineNo        单据行号, line number
     * @param sourceOrderCode    交易平台订单号, platform order code
     * @param subSourceOrderCode 交易平台子订单号, platform sub-order code
     * @param ownerCode          货主编码, owner code
     * @param itemCode           商品编码, item code
     * @param itemId             仓储系统商品编码, the WMS's item id
     * @param inventoryType      库存类型 (e.g. {@code ZP} 正品, {@code CC} 残次), inventory type
     * @param itemName           商品名称, item name
     * @param planQty            应发/应收商品数量, planned quantity (decimal text)
     * @param retailPrice        零售价, retail price (decimal text)
     * @param actualPrice        实际成交价, actual price (decimal text)
     * @param purchasePrice      采购价, purchase price (decimal text; {@code entryorder.create})
     * @param remark             备注, remark
     * @param extendProps        扩展属性, key/value elements; never null
     * @param other              every other field as sent; never null
     */
    public OrderLine {
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }
}
