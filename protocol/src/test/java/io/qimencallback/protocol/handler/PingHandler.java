package io.qimencallback.protocol.handler;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import java.util.Set;

/** Registered through {@code META-INF/services} in the test resources. */
public final class PingHandler implements QimenHandler {
    @Override
    public Set<String> methods() {
        return Set.of("test.ping");
    }

    @Override
    public QimenResponse handle(QimenRequest request) {
        return QimenResponse.success("pong");
    }
}
