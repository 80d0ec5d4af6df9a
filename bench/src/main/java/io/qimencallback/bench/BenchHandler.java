package io.qimencallback.bench;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Set;

/**
 * What the load test measures against: reads the parsed body, answers success with an id derived from it. Answers
 * from the request alone, so it declares itself non-blocking; {@code QIMEN_BENCH_EXECUTION=BLOCKING} measures the
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
        String code = request.bodyTree().at("/deliveryOrder/deliveryOrderCode").asText();
        return QimenResponse.success().with("deliveryOrderId", "WMS-" + code);
    }
}
