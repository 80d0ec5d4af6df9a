package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The {@code deliveryOrder} element (发货单信息 / 出库单信息) of {@code deliveryorder.create} and of
 * {@code stockout.create}, which share its name and most of its fields.
 *
 * <p>Fields of {@code deliveryorder.create}: protocol reference §5.2 (API doc [P4], SDK class
 * {@code DeliveryorderCreateRequest.DeliveryOrder}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/DeliveryorderCreateRequest.java">[S5]</a>)
 * and the bundled fixtures; {@code scheduleDate}, {@code supplierCode} and {@code supplierName} from the
 * {@code stockout.create} fixture. {@code invoices} and every other field are in {@link #other()}, as sent.
 *
 * <p>Times are kept as the text Qimen sends, {@code YYYY-MM-DD HH:MM:SS} in China time with no zone
 * ({@link io.qimencallback.protocol.QimenTime} parses that form); amounts as the decimal text sent ({@code "208.00"}):
 * the specification fixes neither a zone nor a scale, and text loses nothing.
 *
 * @param deliveryOrderCode    出库单号, the ERP's document code; required
 * @param preDeliveryOrderCode 原出库单号, the previous document's code (exchanges, re-sends)
 * @param preDeliveryOrderId   原出库单号 in the WMS
 * @param orderType            出库单类型 ({@code JYCK} 一般交易出库, {@code HHCK} 换货, {@code BFCK} 补发, {@code QTCK} 其他,
 *                             {@code PTCK} 普通出库 for {@code stockout.create}, …)
 * @param warehouseCode        仓库编码 ({@code OTHER} when the ERP does not choose)
 * @param orderFlag            订单标记, flags such as {@code COD}, {@code PRESELL}, joined with {@code ^}
 * @param sourcePlatformCode   订单来源平台编码 ({@code TB}, {@code TM}, {@code JD}, …, {@code OTHER})
 * @param sourcePlatformName   订单来源平台名称
 * @param createTime           发货单创建时间, {@code YYYY-MM-DD HH:MM:SS}
 * @param placeOrderTime       前台订单/店铺订单的创建时间 (下单时间)
 * @param payTime              订单支付时间
 * @param payNo                支付平台交易号
 * @param operatorCode         操作员编码
 * @param operatorName         操作员名称
 * @param operateTime          操作 (审核) 时间
 * @param shopNick             店铺名称
 * @param sellerNick           卖家名称
 * @param buyerNick            买家昵称
 * @param totalAmount          订单总金额 (decimal text)
 * @param itemAmount           商品总金额 (decimal text)
 * @param discountAmount       订单折扣金额 (decimal text)
 * @param freight              快递费用 (decimal text)
 * @param arAmount             应收金额 (decimal text)
 * @param gotAmount            已收金额 (decimal text)
 * @param logisticsCode        物流公司编码 ({@code YTO}, {@code SF}, …, {@code OTHER})
 * @param logisticsName        物流公司名称
 * @param senderInfo           发件人信息, or null
 * @param receiverInfo         收件人信息, or null
 * @param buyerMessage         买家留言
 * @param sellerMessage        卖家留言
 * @param remark               备注
 * @param scheduleDate         要求出库时间 ({@code stockout.create})
 * @param supplierCode         供应商编码 ({@code stockout.create})
 * @param supplierName         供应商名称 ({@code stockout.create})
 * @param extendProps          扩展属性, key/value elements; never null
 * @param other                every other field as sent; never null
 */
public record DeliveryOrder(
        String deliveryOrderCode,
        String preDeliveryOrderCode,
        String preDeliveryOrderId,
        String orderType,
        String warehouseCode,
        String orderFlag,
        String sourcePlatformCode,
        String sourcePlatformName,
        String createTime,
        String placeOrderTime,
        String payTime,
        String payNo,
        String operatorCode,
        String operatorName,
        String operateTime,
        String shopNick,
        String sellerNick,
        String buyerNick,
        String totalAmount,
        String itemAmount,
        String discountAmount,
        String freight,
        String arAmount,
        String gotAmount,
        String logisticsCode,
        String logisticsName,
        ContactInfo senderInfo,
        ContactInfo receiverInfo,
        String buyerMessage,
        String sellerMessage,
        String remark,
        String scheduleDate,
        String supplierCode,
        String supplierName,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Checks the document code and copies the maps.
     *
     * @param deliveryOrderCode    出库单号, the ERP's document code; required
     * @param preDeliveryOrderCode 原出库单号, the previous document's code (exchanges, re-sends)
     * @param preDeliveryOrderId   原出库单号 in the WMS
     * @param orderType            出库单类型 ({@code JYCK} 一般交易出库, {@code HHCK} 换货, {@code BFCK} 补发, {@code QTCK} 其他,
     *        {@code PTCK} 普通出库 for {@code stockout.create}, …)
     * @param warehouseCode        仓库编码 ({@code OTHER} when the ERP does not choose)
     * @param orderFlag            订单标记, flags such as {@code COD}, {@code PRESELL}, joined with {@code ^}
     * @param sourcePlatformCode   订单来源平台编码 ({@code TB}, {@code TM}, {@code JD}, …, {@code OTHER})
     * @param sourcePlatformName   订单来源平台名称
     * @param createTime           发货单创建时间, {@code YYYY-MM-DD HH:MM:SS}
     * @param placeOrderTime       前台订单/店铺订单的创建时间 (下单时间)
     * @param payTime              订单支付时间
     * @param payNo                支付平台交易号
     * @param operatorCode         操作员编码
     * @param operatorName         操作员名称
     * @param operateTime          操作 (审核) 时间
     * @param shopNick             店铺名称
     * @param sellerNick           卖家名称
     * @param buyerNick            买家昵称
     * @param totalAmount          订单总金额 (decimal text)
     * @param itemAmount           商品总金额 (decimal text)
     * @param discountAmount       订单折扣金额 (decimal text)
     * @param freight              快递费用 (decimal text)
     * @param arAmount             应收金额 (decimal text)
     * @param gotAmount            已收金额 (decimal text)
     * @param logisticsCode        物流公司编码 ({@code YTO}, {@code SF}, …, {@code OTHER})
     * @param logisticsName        物流公司名称
     * @param senderInfo           发件人信息, or null
     * @param receiverInfo         收件人信息, or null
     * @param buyerMessage         买家留言
     * @param sellerMessage        卖家留言
     * @param remark               备注
     * @param scheduleDate         要求出库时间 ({@code stockout.create})
     * @param supplierCode         供应商编码 ({@code stockout.create})
     * @param supplierName         供应商名称 ({@code stockout.create})
     * @param extendProps          扩展属性, key/value elements; never null
     * @param other                every other field as sent; never null
     * @throws IllegalArgumentException when a field documented as required is absent or blank
     */
    public DeliveryOrder {
        Fields.required(deliveryOrderCode, "deliveryOrderCode");
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * The document's codes, without personal data: no nicknames, messages or remarks, the contacts as
     * {@link ContactInfo#toString()} shows them, and of the maps their field names only.
     *
     * @return e.g. {@code DeliveryOrder[deliveryOrderCode=DO1, orderType=JYCK, warehouseCode=W1]}
     */
    @Override
    public String toString() {
        return Fields.describe("DeliveryOrder", "deliveryOrderCode", deliveryOrderCode, "preDeliveryOrderCode",
                preDeliveryOrderCode, "orderType", orderType, "warehouseCode", warehouseCode, "sourcePlatformCode",
                sourcePlatformCode, "createTime", createTime, "logisticsCode", logisticsCode, "senderInfo", senderInfo,
                "receiverInfo", receiverInfo, "extendProps", extendProps.keySet(), "other", other.keySet());
    }
}
