package io.qimencallback.server.inbox;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.route.Route;
import java.util.Objects;
import java.util.Optional;

/**
 * Who an inbox entry is for, decided by its method's route when it is stored and kept with it (the {@code consumer}
 * column), so that a delivery, a retry and a replay go where the call was acknowledged for, and the console can say
 * where an entry went:
 * <ul>
 *   <li>{@code target:<name>} — the target of a {@code routes:} line {@code inbox <name>};</li>
 *   <li>{@code handler} — the Java inbox handler that claims the method;</li>
 *   <li>{@code ""} — nobody: kept for the inbox API ({@code /api/inbox}, {@code inbox list}).</li>
 * </ul>
 * The prefix keeps a target named {@code handler} apart from the inbox handler.
 */
public final class InboxConsumer {
    /** Kept for the inbox API. */
    public static final String API = "";
    /** The Java inbox handler claiming the entry's method. */
    public static final String HANDLER = "handler";
    private static final String TARGET = "target:";

    private InboxConsumer() {
    }

    /** The consumer value of a target. */
    public static String target(String name) {
        return TARGET + Objects.requireNonNull(name, "name");
    }

    /** The target's name when the consumer is a target. */
    public static Optional<String> targetName(String consumer) {
        return consumer != null && consumer.startsWith(TARGET)
                ? Optional.of(consumer.substring(TARGET.length())) : Optional.empty();
    }

    /**
     * Who a call of {@code method} routed {@code route} is for: the route's target, else the inbox handler claiming the
     * method, else the inbox API. A route other than the inbox (a handler now answers the method, or it is refused):
     * the inbox API, where such an entry, stored under an earlier configuration, can still be read and acknowledged.
     */
    public static String of(Route route, HandlerRegistry handlers, String method) {
        if (route instanceof Route.Inbox inbox) {
            if (inbox.target() != null) {
                return target(inbox.target().name());
            }
            return handlers.findInbox(method).isPresent() ? HANDLER : API;
        }
        return API;
    }

    /** In a table or a filter: the stored value, {@code api} for the inbox API's, {@code ?} when not assigned yet. */
    public static String label(String consumer) {
        return consumer == null ? "?" : consumer.isEmpty() ? "api" : consumer;
    }

    /** A filter as written ({@code target:erp}, {@code handler}, {@code api}) as the stored value; null stays null. */
    public static String parse(String written) {
        if (written == null) {
            return null;
        }
        String w = written.trim();
        return w.isEmpty() || w.equals("api") ? API : w;
    }

    /** For people: {@code target erp}, {@code inbox handler}, {@code inbox API}. */
    public static String describe(String consumer) {
        if (consumer == null) {
            return "not assigned yet (stored by an older version)";
        }
        return targetName(consumer).map(n -> "target " + n)
                .orElse(HANDLER.equals(consumer) ? "inbox handler" : API.equals(consumer) ? "inbox API" : consumer);
    }
}
