package ${package};

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerContext;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.protocol.model.DeliveryOrder;
import io.qimencallback.protocol.model.DeliveryOrderCreate;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
import java.util.Set;

/**
 * Answers the gateway's deliveryorder.create (发货单创建). Listed in
 * META-INF/services/io.qimencallback.protocol.handler.QimenHandler, so the server finds it in its plugins_dir.
 */
public final class DeliveryOrderHandler implements QimenHandler {
    private volatile String idPrefix = "ERP";

    /** The settings section: plugins.${pluginName} in qimen.yml, or QIMEN_PLUGINS_<NAME>_<KEY> in the environment. */
    @Override
    public String name() {
        return "${pluginName}";
    }

    /** Once, before the first call: read settings, open clients (an exception stops the server's start). */
    @Override
    public void start(HandlerContext context) {
        idPrefix = context.settings().get("id_prefix").orElse("ERP");
        context.logger().info("ready; delivery order ids start with {}", idPrefix);
    }

    @Override
    public Set<String> methods() {
        return Set.of("deliveryorder.create"); // taobao.qimen.deliveryorder.create is the same method
    }

    /** Runs on a worker thread (it may block), concurrently: past request.deadline() the caller gets handler-timeout. */
    @Override
    public QimenResponse handle(QimenRequest request) throws QimenException {
        // the typed body: a missing deliveryOrderCode is answered missing-parameter before this line
        DeliveryOrder order = request.bodyAs(DeliveryOrderCreate.class).deliveryOrder();
        if (order.receiverInfo() == null) {
            throw new QimenException(ErrorCode.INVALID_PARAMETER, "receiverInfo is required");
        }
        // Call your ERP here. The same order always gets the same id: the gateway retries.
        String id = idPrefix + "-" + order.deliveryOrderCode();
        return QimenResponse.success(new DeliveryOrderCreateAnswer(null, id, order.warehouseCode(), null));
    }
}
