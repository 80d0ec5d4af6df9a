package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The fields of a {@code returnorder.create} success answer: {@code returnOrderId} (SDK class {@code ReturnorderCreateResponse}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/ReturnorderCreateResponse.java">[S5]</a>; no fixture answer). Absent (null) fields are left out of the answer.
 *
 * @param returnOrderId 仓储系统退货单编码, the WMS's code for the return
 * @param other  more answer fields, rendered after it; never null
 */
public record ReturnOrderCreateAnswer(
        String returnOrderId,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies {@code other}; null becomes an empty map.
     *
     * @param returnOrderId 仓储系统退货单编码, the WMS's code for the return
     * @param other  more answer fields, rendered after it; never null
     */
    public ReturnOrderCreateAnswer {
        other = Fields.map(other);
    }

    /**
     * An answer without further fields.
     *
     * @param returnOrderId 仓储系统退货单编码, the WMS's code for the return
     */
    public ReturnOrderCreateAnswer(String returnOrderId) {
        this(returnOrderId, null);
    }
}
