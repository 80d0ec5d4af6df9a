package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The fields of a {@code singleitem.synchronize} success answer: {@code itemId} (SDK class {@code SingleitemSynchronizeResponse}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/SingleitemSynchronizeResponse.java">[S5]</a>; protocol reference §5.3). Absent (null) fields are left out of the answer.
 *
 * @param itemId 仓储系统商品编码, the WMS's code for the item
 * @param other  more answer fields, rendered after it; never null
 */
public record SingleitemSynchronizeAnswer(
        String itemId,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies {@code other}; null becomes an empty map.
     *
     * @param itemId 仓储系统商品编码, the WMS's code for the item
     * @param other  more answer fields, rendered after it; never null
     */
    public SingleitemSynchronizeAnswer {
        other = Fields.map(other);
    }

    /**
     * An answer without further fields.
     *
     * @param itemId 仓储系统商品编码, the WMS's code for the item
     */
    public SingleitemSynchronizeAnswer(String itemId) {
        this(itemId, null);
    }
}
