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
     * The route label on the call metrics, where the call went: {@code handler}, {@code forward:<target>},
     * {@code inbox} (for an inbox handler or the inbox API), {@code inbox:<target>}, {@code refuse} (a
     * {@code refuse} line) or {@code none} (nothing routes the method). Target names come from the configuration, so
     * the label set is bounded by it; calls refused before they are routed carry {@link #NOT_ROUTED}. A target's
     * label is built per call: a few bytes next to the forward or the inbox append it labels.
     */
    String routeTag();

    /** Route label of a call answered before it was routed: a bad signature, a missing parameter, overload. */
    String NOT_ROUTED = "-";

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

        @Override
        public String routeTag() {
            return target == null ? "handler" : "forward:" + target.name();
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

        @Override
        public String routeTag() {
            return target == null ? "inbox" : "inbox:" + target.name();
        }
    }

    /**
     * Refused {@code invalid-method}: nothing answers this method.
     *
     * @param refused whether a {@code refuse} line of the routes table says so (rather than no route at all)
     */
    record None(String message, boolean refused) implements Route {
        public None(String message) {
            this(message, false);
        }

        @Override
        public String metricTag() {
            return Routes.OTHER;
        }

        @Override
        public String routeTag() {
            return refused ? "refuse" : "none";
        }
    }
}
