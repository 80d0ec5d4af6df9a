package io.qimencallback.bench;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Set;

/**
 * What the load test measures against: reads the document code (streamed, no tree), answers success with an id
 * derived from it. Answers from the request alone, so it declares itself non-blocking; {@code QIMEN_BENCH_EXECUTION=BLOCKING} measures the
 * default (worker pool) instead.
 */
public final class BenchHandler implements QimenHandler {
    private final Execution execution = Execution.valueOf(
            System.getenv().getOrDefault("QIMEN_BENCH_EXECUTION", Execution.NON_BLOCKING.name()));

    @Override
    public Execution execution() {
        return execution;
    }

    @Override
    public Set<String> methods() {
        return Set.of("deliveryorder.create");
    }

    @Override
    public QimenResponse handle(QimenRequest request) {
        // streamed to the first match: no body tree is built
        String code = request.bodyValue("deliveryOrder/deliveryOrderCode").orElse("");
        return QimenResponse.success().with("deliveryOrderId", "WMS-" + code);
    }
}
