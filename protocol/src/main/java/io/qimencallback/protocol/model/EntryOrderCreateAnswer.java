package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The fields of a {@code entryorder.create} success answer: {@code entryOrderId} (SDK class {@code EntryorderCreateResponse}
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/response/EntryorderCreateResponse.java">[S5]</a>; fixture {@code entryorder.create.response.success.xml}, protocol reference §5.3). Absent (null) fields are left out of the answer.
 *
 * @param entryOrderId 仓储系统入库单编码, the WMS's code for the order
 * @param other  more answer fields, rendered after it; never null
 */
public record EntryOrderCreateAnswer(
        String entryOrderId,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies {@code other}; null becomes an empty map.
     *
     * @param entryOrderId 仓储系统入库单编码, the WMS's code for the order
     * @param other  more answer fields, rendered after it; never null
     */
    public EntryOrderCreateAnswer {
        other = Fields.map(other);
    }

    /**
     * An answer without further fields.
     *
     * @param entryOrderId 仓储系统入库单编码, the WMS's code for the order
     */
    public EntryOrderCreateAnswer(String entryOrderId) {
        this(entryOrderId, null);
    }
}
