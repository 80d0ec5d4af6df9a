package io.qimencallback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.server.inbox.Inbox;
import io.qimencallback.server.inbox.InboxJson;
import io.qimencallback.server.inbox.InboxQuery;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Reads a test server's inbox as {@link StoredCall}s, in the admin API's shape: what an operator would see. */
final class InboxView {
    private final Inbox inbox;

    InboxView(Inbox inbox) {
        this.inbox = Objects.requireNonNull(inbox, "inbox");
    }

    /** Every stored call, newest first. */
    List<StoredCall> calls() {
        List<StoredCall> calls = new ArrayList<>();
        try {
            inbox.store().forEach(InboxQuery.all(), e -> calls.add(stored(InboxJson.detail(e, true))));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the inbox: " + e.getMessage(), e);
        }
        return calls;
    }

    private static StoredCall stored(ObjectNode e) {
        Map<String, String> params = new LinkedHashMap<>();
        e.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
        return new StoredCall(e.path("id").asLong(), e.path("method").asText(), e.path("rawMethod").asText(),
                text(e, "appKey"), text(e, "customerId"), text(e, "businessKey"), e.path("status").asText(),
                e.path("attempts").asInt(), params, e.path("body").asText());
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isNull() || n.isMissingNode() ? null : n.asText();
    }
}
