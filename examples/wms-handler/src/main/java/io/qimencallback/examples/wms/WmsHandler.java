package io.qimencallback.examples.wms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.HandlerContext;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.protocol.model.DeliveryOrder;
import io.qimencallback.protocol.model.DeliveryOrderCreate;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
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
 * id_prefix: ...} in the YAML, or {@code QIMEN_PLUGINS_WMS_ID_PREFIX}), claiming methods, reading the body as a typed
 * model ({@code deliveryorder.create}) or as the parsed XML tree (the others), refusing a bad document with a specific
 * code, and building Qimen answers with typed records or nested and repeated elements.
 */
public final class WmsHandler implements QimenHandler {
    private final ConcurrentMap<String, String> ids = new ConcurrentHashMap<>();
    private volatile String idPrefix = "WMS"; // until start: a handler is also called without a server in unit tests

    @Override
    public String name() {
        return "wms"; // its settings section: plugins.wms
    }

    @Override
    public void start(HandlerContext context) throws QimenException {
        idPrefix = context.settings().get("id_prefix").orElse("WMS");
        context.logger().info("answering from memory; document ids start with {}", idPrefix);
        warmUp();
    }

    /**
     * This handler runs on an I/O thread, where nothing may block: the first typed mapping loads Jackson's classes
     * for the records (jar reads), so it happens here, on the starting thread, once.
     */
    private static void warmUp() throws QimenException {
        try {
            JsonNode tree = new ObjectMapper().readTree("{\"deliveryOrder\":{\"deliveryOrderCode\":\"warm-up\"}}");
            QimenRequest r = QimenRequest.builder("deliveryorder.create").body(new byte[0], ContentKind.JSON, tree).build();
            QimenResponse.success(new DeliveryOrderCreateAnswer(null, r.bodyAs(DeliveryOrderCreate.class)
                    .deliveryOrder().deliveryOrderCode(), null, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
        return switch (request.method()) {
            case "deliveryorder.create" -> deliveryOrder(request.bodyAs(DeliveryOrderCreate.class));
            case "entryorder.create" -> create(request.bodyTree(), "/entryOrder", "entryOrderCode", "entryOrderId", "IB");
            case "inventory.query" -> inventory(request.bodyTree());
            default -> throw new QimenException(ErrorCode.INVALID_METHOD, "not handled here: " + request.method());
        };
    }

    /** With the typed model: a missing deliveryOrderCode was refused by bodyAs already ({@code missing-parameter}). */
    private QimenResponse deliveryOrder(DeliveryOrderCreate body) {
        DeliveryOrder order = body.deliveryOrder();
        return QimenResponse.success(new DeliveryOrderCreateAnswer(QimenTime.format(Instant.now()),
                id("OB", order.deliveryOrderCode()), order.warehouseCode(), order.logisticsCode()));
    }

    private String id(String prefix, String code) {
        return ids.computeIfAbsent(prefix + ":" + code, k -> idPrefix + "-" + prefix + "-" + (ids.size() + 1));
    }

    private QimenResponse create(JsonNode body, String order, String codeField, String idField, String prefix)
            throws QimenException {
        String code = body.at(order + "/" + codeField).asText("");
        if (code.isBlank()) {
            throw new QimenException(ErrorCode.INVALID_BODY, codeField + " is required");
        }
        return QimenResponse.success()
                .with(idField, id(prefix, code))
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
