package io.qimencallback.server.testing;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Set;

/** Handlers for tests, written as lambdas. */
public final class Handlers {
    private Handlers() {
    }

    @FunctionalInterface
    public interface Body {
        QimenResponse handle(QimenRequest request) throws Exception;
    }

    public static QimenHandler of(Set<String> methods, Body body) {
        return new QimenHandler() {
            @Override
            public Set<String> methods() {
                return methods;
            }

            @Override
            public QimenResponse handle(QimenRequest request) throws Exception {
                return body.handle(request);
            }
        };
    }

    public static QimenHandler of(String method, Body body) {
        return of(Set.of(method), body);
    }

    /** A handler that declares how it runs. */
    public static QimenHandler of(String method, Execution execution, Body body) {
        return new QimenHandler() {
            @Override
            public Set<String> methods() {
                return Set.of(method);
            }

            @Override
            public Execution execution() {
                return execution;
            }

            @Override
            public QimenResponse handle(QimenRequest request) throws Exception {
                return body.handle(request);
            }
        };
    }
}
