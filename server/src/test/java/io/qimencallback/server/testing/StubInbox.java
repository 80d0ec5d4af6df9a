package io.qimencallback.server.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.privacy.PersonalData;
import io.qimencallback.server.admin.AdminRequest;
import io.qimencallback.server.admin.AdminResponse;
import io.qimencallback.server.admin.AdminRouter;
import io.qimencallback.server.admin.AdminRoutes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The inbox's admin routes as agreed (same JSON shapes), over two entries in memory: what the console's Inbox tab is
 * tested against until the real inbox plugs in.
 */
public final class StubInbox implements AdminRoutes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    public static final String BODY = "<request><deliveryOrderCode>DO123</deliveryOrderCode>"
            + "<receiverInfo><mobile>13812345678</mobile></receiverInfo></request>";

    private final Map<Long, String> status = new ConcurrentHashMap<>(Map.of(123L, "dead", 124L, "done"));
    /** The Content-Type of every retry received. */
    public final List<String> retries = new CopyOnWriteArrayList<>();

    @Override
    public void addTo(AdminRouter.Builder router) {
        router.get("/api/inbox", this::list)
                .get("/api/inbox/*", this::entry)
                .post("/api/inbox/*/retry", this::retry);
    }

    private ObjectNode summary(long id) {
        return JSON.objectNode().put("id", id).put("received", "2026-01-02T03:04:05Z")
                .put("method", "deliveryorder.create").put("rawMethod", "taobao.qimen.deliveryorder.create")
                .put("appKey", "k").put("customerId", "CUST001").put("businessKey", "DO" + id)
                .put("status", status.get(id)).put("attempts", id == 123 ? 5 : 1)
                .put("lastError", id == 123 ? "ERP timeout after 10 s" : null).put("format", "xml");
    }

    private AdminResponse list(AdminRequest r) {
        String wanted = r.queryParam("status").orElse("");
        ArrayNode entries = JSON.arrayNode();
        ObjectNode counts = JSON.objectNode();
        for (String s : List.of("new", "processing", "done", "failed", "dead")) {
            counts.put(s, status.values().stream().filter(s::equals).count());
        }
        status.keySet().stream().sorted().filter(id -> wanted.isEmpty() || wanted.equals(status.get(id)))
                .forEach(id -> entries.add(summary(id)));
        ObjectNode out = JSON.objectNode();
        out.set("entries", entries);
        out.set("counts", counts);
        return AdminResponse.json(out);
    }

    private AdminResponse entry(AdminRequest r) {
        long id = Long.parseLong(r.pathParam(0));
        if (!status.containsKey(id)) {
            return AdminResponse.error(404, "no entry " + id);
        }
        boolean reveal = r.queryParam("reveal").map("true"::equals).orElse(false);
        ObjectNode e = summary(id);
        ObjectNode params = e.putObject("params");
        params.put("method", "taobao.qimen.deliveryorder.create");
        params.put("receiver_mobile", reveal ? "13812345678" : PersonalData.maskField("receiver_mobile", "13812345678"));
        e.put("contentType", "text/xml;charset=utf-8");
        e.put("body", reveal ? BODY : PersonalData.maskText(BODY));
        e.put("remote", "127.0.0.1");
        return AdminResponse.json(e);
    }

    private AdminResponse retry(AdminRequest r) {
        long id = Long.parseLong(r.pathParam(0));
        retries.add(r.header("Content-Type").orElse(""));
        if (!status.containsKey(id)) {
            return AdminResponse.error(404, "no entry " + id);
        }
        if (!List.of("dead", "failed").contains(status.get(id))) {
            return AdminResponse.error(409, "entry " + id + " is " + status.get(id));
        }
        status.put(id, "new");
        return AdminResponse.json(JSON.objectNode().put("id", id).put("status", "new"));
    }
}
