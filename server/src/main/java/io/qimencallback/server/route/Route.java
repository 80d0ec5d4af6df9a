package io.qimencallback.server.route;

import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.target.Target;
import java.util.Objects;

/** Where a verified call of one method goes: decided once per method by {@link Routes}. */
public sealed interface Route {

    /**
     * The method label on metrics: the normalized method when it is one the configuration names (a handler, an inbox
     * consumer, a route without a wildcard, a standard Qimen API), else {@code other}, so that callers cannot grow the
     * label set.
     */
    String metricTag();

    /**
     * Answered synchronously by a handler, run as it declares: a Java handler, or a target's forwarder.
     *
     * @param target the target forwarded to; {@code null} for a Java handler
     */
    record Handler(QimenHandler handler, Execution execution, String metricTag, Target target) implements Route {
        public Handler {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(execution, "execution");
            Objects.requireNonNull(metricTag, "metricTag");
        }

        public Handler(QimenHandler handler, Execution execution, String metricTag) {
            this(handler, execution, metricTag, null);
        }
    }

    /**
     * Stored in the inbox and answered {@code success} once committed.
     *
     * @param target delivered to this target; {@code null}: to the inbox handler claiming the method, if any, else
     *               kept for the inbox API
     */
    record Inbox(String metricTag, Target target) implements Route {
        public Inbox {
            Objects.requireNonNull(metricTag, "metricTag");
        }

        public Inbox(String metricTag) {
            this(metricTag, null);
        }
    }

    /** Refused {@code invalid-method}: nothing answers this method. */
    record None(String message) implements Route {
        @Override
        public String metricTag() {
            return Routes.OTHER;
        }
    }
}
