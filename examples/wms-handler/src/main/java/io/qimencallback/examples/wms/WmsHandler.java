package io.qimencallback.examples.wms;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.qimencallback.protocol.model.Criteria;
import io.qimencallback.protocol.model.DeliveryOrder;
import io.qimencallback.protocol.model.DeliveryOrderCreate;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
import io.qimencallback.protocol.model.EntryOrderCreate;
import io.qimencallback.protocol.model.EntryOrderCreateAnswer;
import io.qimencallback.protocol.model.InventoryItem;
import io.qimencallback.protocol.model.InventoryQuery;
import io.qimencallback.protocol.model.InventoryQueryAnswer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An example WMS adapter answering three ERP–WMS APIs from memory: it accepts delivery and entry orders (idempotently:
 * a repeated document code gets the id it got the first time) and reports zero stock for any inventory query.
 *
 * <p>A real adapter would call its WMS here. What it shows: reading its own settings at start ({@code plugins: wms:
 * id_prefix: ...} in the YAML, or {@code QIMEN_PLUGINS_WMS_ID_PREFIX}), claiming methods, reading each body as its
 * typed model (a missing document code is refused by {@code bodyAs} itself, {@code missing-parameter}), refusing a
 * document with a specific code of its own, and answering with the typed answer records.
 */
public final class WmsHandler implements QimenHandler {
    private final ConcurrentMap<String, String> ids = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong(); // unique however many calls run at once
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
     * This handler runs on an I/O thread, where nothing may block: the first typed mapping of a record loads
     * Jackson's classes for it (jar reads), so each body and answer is mapped here, on the starting thread, once.
     */
    private static void warmUp() throws QimenException {
        QimenResponse.success(new DeliveryOrderCreateAnswer(null, request(
                "{\"deliveryOrder\":{\"deliveryOrderCode\":\"warm-up\"}}").bodyAs(DeliveryOrderCreate.class)
                .deliveryOrder().deliveryOrderCode(), null, null));
        QimenResponse.success(new EntryOrderCreateAnswer(request(
                "{\"entryOrder\":{\"entryOrderCode\":\"warm-up\"}}").bodyAs(EntryOrderCreate.class)
                .entryOrder().entryOrderCode()));
        Criteria c = request("{\"criteriaList\":{\"criteria\":{\"itemCode\":\"warm-up\"}}}")
                .bodyAs(InventoryQuery.class).criteriaList().get(0);
        QimenResponse.success(new InventoryQueryAnswer(List.of(item(c))));
    }

    private static QimenRequest request(String json) {
        try {
            return QimenRequest.builder("warm-up")
                    .body(new byte[0], ContentKind.JSON, new ObjectMapper().readTree(json)).build();
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
            case "entryorder.create" -> entryOrder(request.bodyAs(EntryOrderCreate.class));
            case "inventory.query" -> inventory(request.bodyAs(InventoryQuery.class));
            default -> throw new QimenException(ErrorCode.INVALID_METHOD, "not handled here: " + request.method());
        };
    }

    /** A missing deliveryOrderCode was refused by bodyAs already ({@code missing-parameter}). */
    private QimenResponse deliveryOrder(DeliveryOrderCreate body) {
        DeliveryOrder order = body.deliveryOrder();
        return QimenResponse.success(new DeliveryOrderCreateAnswer(QimenTime.format(Instant.now()),
                id("OB", order.deliveryOrderCode()), order.warehouseCode(), order.logisticsCode()));
    }

    /** The typed answer, and a field it does not have ({@code createTime}) added to it. */
    private QimenResponse entryOrder(EntryOrderCreate body) {
        return QimenResponse.success(new EntryOrderCreateAnswer(id("IB", body.entryOrder().entryOrderCode())))
                .with("createTime", QimenTime.format(Instant.now()));
    }

    /** A query must name what it asks for: refused with a code of this handler's choosing otherwise. */
    private static QimenResponse inventory(InventoryQuery body) throws QimenException {
        if (body.criteriaList().isEmpty()) {
            throw new QimenException(ErrorCode.MISSING_PARAMETER, "criteriaList/criteria is required");
        }
        return QimenResponse.success(new InventoryQueryAnswer(body.criteriaList().stream().map(WmsHandler::item)
                .toList()));
    }

    private static InventoryItem item(Criteria c) {
        return new InventoryItem(c.warehouseCode(), c.itemCode(), c.itemId(),
                c.inventoryType() == null ? "ZP" : c.inventoryType(), "0", "0");
    }

    private String id(String prefix, String code) {
        return ids.computeIfAbsent(prefix + ":" + code, k -> idPrefix + "-" + prefix + "-" + lastId.incrementAndGet());
    }
}
