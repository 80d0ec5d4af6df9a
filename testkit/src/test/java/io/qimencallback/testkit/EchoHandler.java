package io.qimencallback.testkit;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerContext;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Set;

/** Answers deliveryorder.create with what it was given, and the {@code greeting} of its settings section. */
final class EchoHandler implements QimenHandler {
    private volatile String greeting = "unset";

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public void start(HandlerContext context) {
        greeting = context.settings().get("greeting").orElse("none");
    }

    @Override
    public Set<String> methods() {
        return Set.of("deliveryorder.create");
    }

    @Override
    public QimenResponse handle(QimenRequest request) {
        return QimenResponse.success()
                .with("deliveryOrderCode", request.bodyValue("deliveryOrder/deliveryOrderCode").orElse(""))
                .with("customerId", request.customerId() == null ? "" : request.customerId())
                .with("greeting", greeting)
                .with("callId", request.callId());
    }
}
