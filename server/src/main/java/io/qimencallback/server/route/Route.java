package io.qimencallback.server.route;

import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.QimenHandler;
import java.util.Objects;

/** Where a verified call of one method goes: decided once per method by {@link Routes}. */
public sealed interface Route {

    /**
     * The method label on metrics: the normalized method when it is one the configuration names (a handler, an inbox
     * consumer, a standard Qimen API), else {@code other}, so that callers cannot grow the label set.
     */
    String metricTag();

    /** Answered synchronously by a handler, run as it declares. */
    record Handler(QimenHandler handler, Execution execution, String metricTag) implements Route {
        public Handler {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(execution, "execution");
            Objects.requireNonNull(metricTag, "metricTag");
        }
    }

    /** Stored in the inbox and answered {@code success} once committed. */
    record Inbox(String metricTag) implements Route {
    }

    /** Refused {@code invalid-method}: nothing answers this method. */
    record None(String message) implements Route {
        @Override
        public String metricTag() {
            return Routes.OTHER;
        }
    }
}
