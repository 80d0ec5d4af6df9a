package io.qimencallback.server.testing;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Set;

/**
 * {@code test.sleep}: waits {@code ms} milliseconds, then answers success. Registered through
 * {@code META-INF/services}, so the real command line finds it (the SIGTERM test runs one).
 */
public final class SleepHandler implements QimenHandler {
    @Override
    public Set<String> methods() {
        return Set.of("test.sleep");
    }

    @Override
    public QimenResponse handle(QimenRequest request) throws InterruptedException {
        Thread.sleep(Long.parseLong(request.param("ms").orElse("0")));
        return QimenResponse.success("slept");
    }
}
