package io.qimencallback.server.route;

import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.inbox.MethodGlobs;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that decides where a verified call goes, by its normalized method: a synchronous handler, the inbox
 * (an inbox consumer claims the method, or the inbox's method globs match it), or nowhere ({@code invalid-method}).
 * Built once at start; {@link #route} is a map lookup after a method's first call.
 */
public final class Routes {
    /** Metrics label of every method the configuration does not name. */
    public static final String OTHER = "other";

    /**
     * Standard Qimen APIs that keep their own metrics label when the inbox takes them by a glob: the ERP–WMS
     * interfaces and the CRM query that the bundled fixtures cover (protocol reference §5).
     */
    static final Set<String> STANDARD = Set.of("deliveryorder.create", "deliveryorder.confirm", "entryorder.create",
            "entryorder.confirm", "returnorder.create", "returnorder.confirm", "stockout.create", "stockout.confirm",
            "order.cancel", "inventory.query", "singleitem.synchronize", "inventory.report", "stockchange.report",
            "crm.order.detail.get");

    private final HandlerRegistry handlers;
    private final boolean inboxOn;
    private final MethodGlobs inboxGlobs;
    /** Bounded: only methods with a handler or an inbox route are kept; the rest are computed each time. */
    private final Map<String, Route> known = new ConcurrentHashMap<>();

    private Routes(HandlerRegistry handlers, boolean inboxOn, List<String> inboxGlobs) {
        this.handlers = handlers;
        this.inboxOn = inboxOn;
        this.inboxGlobs = new MethodGlobs(inboxGlobs);
    }

    /**
     * @param inboxOn    whether the inbox is on
     * @param inboxGlobs the methods the inbox takes when no handler answers them
     * @throws IllegalStateException when inbox consumers are installed but the inbox is off
     */
    public static Routes of(HandlerRegistry handlers, boolean inboxOn, List<String> inboxGlobs) {
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(inboxGlobs, "inboxGlobs");
        if (!inboxOn && !handlers.inboxMethods().isEmpty()) {
            throw new IllegalStateException("inbox handlers are installed for " + handlers.inboxMethods()
                    + " but the inbox is off (QIMEN_INBOX)");
        }
        return new Routes(handlers, inboxOn, List.copyOf(inboxGlobs));
    }

    /** Where a call of this normalized method goes. */
    public Route route(String normalizedMethod) {
        Route r = known.get(normalizedMethod);
        return r != null ? r : decide(normalizedMethod);
    }

    private Route decide(String method) {
        QimenHandler handler = handlers.find(method).orElse(null);
        if (handler != null) {
            Route r = new Route.Handler(handler, handler.execution(), method);
            known.put(method, r);
            return r;
        }
        if (inboxOn && handlers.findInbox(method).isPresent()) {
            Route r = new Route.Inbox(method);
            known.put(method, r);
            return r;
        }
        if (inboxOn && inboxGlobs.matches(method)) {
            // a glob can match any name a signed caller invents: only standard names are remembered and labelled
            if (STANDARD.contains(method)) {
                Route r = new Route.Inbox(method);
                known.put(method, r);
                return r;
            }
            return new Route.Inbox(OTHER);
        }
        return new Route.None("no handler for method " + method);
    }

}
