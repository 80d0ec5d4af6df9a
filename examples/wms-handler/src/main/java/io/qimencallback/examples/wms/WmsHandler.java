package io.qimencallback.examples.wms;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.HandlerContext;
import io.qimencallback.protocol.handler.QimenHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An example WMS adapter answering three ERP–WMS APIs from memory: it accepts delivery and entry orders (idempotently:
 * a repeated document code gets the id it got the first time) and reports zero stock for any inventory query.
 *
 * <p>A real adapter would call its WMS here. What it shows: reading its own settings at start ({@code plugins: wms:
 * id_prefix: ...} in the YAML, or {@code QIMEN_PLUGINS_WMS_ID_PREFIX}), claiming methods, reading the parsed XML body,
 * refusing a bad document with a specific code, and building Qimen answers with nested and repeated elements.
 */
public final class WmsHandler implements QimenHandler {
    private final ConcurrentMap<String, String> ids = new ConcurrentHashMap<>();
    private volatile String idPrefix = "WMS"; // until start: a handler is also called without a server in unit tests

    @Override
    public String name() {
        return "wms"; // its settings section: plugins.wms
    }

    @Override
    public void start(HandlerContext context) {
        idPrefix = context.settings().get("id_prefix").orElse("WMS");
        context.logger().info("answering from memory; document ids start with {}", idPrefix);
    }

    @Override
    public Execution execution() {
        return Execution.NON_BLOCKING; // answers from the request alone: runs on the I/O thread, no hand-off
    }

    @Override
    public Set<String> methods() {
        return Set.of("deliveryorder.create", "entryorder.create", "inventory.query");
    }

    @Override
    public QimenResponse handle(QimenRequest request) throws QimenException {
        JsonNode body = request.bodyTree();
        return switch (request.method()) {
            case "deliveryorder.create" -> create(body, "/deliveryOrder", "deliveryOrderCode", "deliveryOrderId", "OB")
                    .with("warehouseCode", body.at("/deliveryOrder/warehouseCode").asText());
            case "entryorder.create" -> create(body, "/entryOrder", "entryOrderCode", "entryOrderId", "IB");
            case "inventory.query" -> inventory(body);
            default -> throw new QimenException(ErrorCode.INVALID_METHOD, "not handled here: " + request.method());
        };
    }

    private QimenResponse create(JsonNode body, String order, String codeField, String idField, String prefix)
            throws QimenException {
        String code = body.at(order + "/" + codeField).asText("");
        if (code.isBlank()) {
            throw new QimenException(ErrorCode.INVALID_BODY, codeField + " is required");
        }
        String id = ids.computeIfAbsent(prefix + ":" + code, k -> idPrefix + "-" + prefix + "-" + (ids.size() + 1));
        return QimenResponse.success()
                .with(idField, id)
                .with("createTime", QimenTime.format(Instant.now()));
    }

    private static QimenResponse inventory(JsonNode body) {
        List<Map<String, Object>> items = new ArrayList<>();
        JsonNode criteria = body.at("/criteriaList/criteria");
        for (JsonNode c : criteria.isArray() ? criteria : List.of(criteria)) {
            if (!c.isMissingNode()) {
                Map<String, Object> item = new LinkedHashMap<>(); // element order as in the API doc
                item.put("warehouseCode", c.path("warehouseCode").asText());
                item.put("itemCode", c.path("itemCode").asText());
                item.put("inventoryType", c.path("inventoryType").asText("ZP"));
                item.put("quantity", 0);
                item.put("lockQuantity", 0);
                items.add(item);
            }
        }
        return QimenResponse.success().with("items", Map.of("item", items));
    }
}
