package io.qimencallback.bench;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Set;

/** What the load test measures against: reads the parsed body, answers success with an id derived from it. */
public final class BenchHandler implements QimenHandler {
    @Override
    public Set<String> methods() {
        return Set.of("deliveryorder.create");
    }

    @Override
    public QimenResponse handle(QimenRequest request) {
        String code = request.bodyTree().at("/deliveryOrder/deliveryOrderCode").asText();
        return QimenResponse.success().with("deliveryOrderId", "WMS-" + code);
    }
}
