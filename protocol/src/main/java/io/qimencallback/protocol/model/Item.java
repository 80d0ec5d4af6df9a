package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The {@code item} element (商品信息) of {@code singleitem.synchronize}. Fields: the {@code singleitem.synchronize.xml}
 * fixture, with their meaning from the SDK class {@code SingleitemSynchronizeRequest.Item}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/SingleitemSynchronizeRequest.java">[S5]</a>; the SDK's many others (dimensions, shelf life,
 * batch management, …) are in {@link #other()}. Weights and prices stay decimal text, as sent.
 *
 * @param itemCode    商品编码
 * @param itemId      仓储系统商品编码 (assigned by the WMS; may equal {@code itemCode})
 * @param itemName    商品名称
 * @param shortName   商品简称
 * @param barCode     条形码 (several joined with {@code ;})
 * @param skuProperty 商品属性 (e.g. 红色;XXL)
 * @param stockUnit   商品计量单位
 * @param grossWeight 毛重, kilograms (decimal text)
 * @param retailPrice 零售价 (decimal text)
 * @param itemType    商品类型 ({@code ZC} 正常商品, {@code ZH} 组合商品, {@code ZP} 赠品, …)
 * @param isSNMgmt    是否需要串号管理 ({@code Y}/{@code N}, default {@code N})
 * @param createTime  创建时间, {@code YYYY-MM-DD HH:MM:SS}
 * @param remark      备注
 * @param extendProps 扩展属性, key/value elements; never null
 * @param other       every other field as sent; never null
 */
public record Item(
        String itemCode,
        String itemId,
        String itemName,
        String shortName,
        String barCode,
        String skuProperty,
        String stockUnit,
        String grossWeight,
        String retailPrice,
        String itemType,
        String isSNMgmt,
        String createTime,
        String remark,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies the maps; nulls become empty maps.
     *
     * @param itemCode    商品编码
     * @param itemId      仓储系统商品编码 (assigned by the WMS; may equal {@code itemCode})
     * @param itemName    商品名称
     * @param shortName   商品简称
     * @param barCode     条形码 (several joined with {@code ;})
     * @param skuProperty 商品属性 (e.g. 红色;XXL)
     * @param stockUnit   商品计量单位
     * @param grossWeight 毛重, kilograms (decimal text)
     * @param retailPrice 零售价 (decimal text)
     * @param itemType    商品类型 ({@code ZC} 正常商品, {@code ZH} 组合商品, {@code ZP} 赠品, …)
     * @param isSNMgmt    是否需要串号管理 ({@code Y}/{@code N}, default {@code N})
     * @param createTime  创建时间, {@code YYYY-MM-DD HH:MM:SS}
     * @param remark      备注
     * @param extendProps 扩展属性, key/value elements; never null
     * @param other       every other field as sent; never null
     */
    public Item {
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }
}
