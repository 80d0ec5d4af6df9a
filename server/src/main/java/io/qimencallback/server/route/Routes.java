package io.qimencallback.server.route;

import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.inbox.MethodGlobs;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that decides where a verified call goes, by its normalized method, first match wins:
 * <ol>
 *   <li>a Java handler claiming the method (synchronous answer);</li>
 *   <li>an inbox handler claiming the method (stored, then delivered to it);</li>
 *   <li>the {@code routes:} table, in order ({@code inbox [target]}, {@code forward <target>}, {@code refuse});</li>
 *   <li>the inbox for the push APIs ({@code inbox_methods}, by default {@link #DEFAULT_INBOX_METHODS});</li>
 *   <li>else {@code invalid-method}: a query is answered with data or refused, never acknowledged empty.</li>
 * </ol>
 * Built once at start, where a misconfigured table fails naming its line; {@link #route} is a map lookup after a
 * method's first call.
 */
public final class Routes {
    /** Metrics label of every method the configuration does not name. */
    public static final String OTHER = "other";

    /**
     * The push APIs: documents and reports a sender hands over and only needs acknowledged (ERP–WMS create, confirm,
     * cancel, report and synchronize calls, their batch forms, updates and notifications; WangDianTong's
     * {@code wdt.trade.push} and the like).
     */
    public static final String DEFAULT_INBOX_METHODS = "*.create,*.batchcreate,*.confirm,*.batchconfirm,*.cancel,"
            + "*.report,*.batchreport,*.synchronize,*.batchsynchronize,*.update,*.notify,*.pending,*.push";

    /**
     * Standard Qimen APIs that keep their own metrics label when a glob takes them: the ERP–WMS interfaces and the
     * CRM query that the bundled fixtures cover (protocol reference §5).
     */
    static final Set<String> STANDARD = Set.of("deliveryorder.create", "deliveryorder.confirm", "entryorder.create",
            "entryorder.confirm", "returnorder.create", "returnorder.confirm", "stockout.create", "stockout.confirm",
            "order.cancel", "inventory.query", "singleitem.synchronize", "inventory.report", "stockchange.report",
            "crm.order.detail.get");

    private final HandlerRegistry handlers;
    private final boolean inboxOn;
    private final List<Compiled> rules;
    private final MethodGlobs inboxGlobs;
    private final List<String> inboxGlobList;
    /** Bounded: only methods the configuration names are kept; the rest are computed each time. */
    private final Map<String, Route> known = new ConcurrentHashMap<>();

    private record Compiled(RouteRule rule, MethodGlobs glob, Route route, boolean exact) {
    }

    private Routes(HandlerRegistry handlers, boolean inboxOn, List<Compiled> rules, List<String> inboxGlobs) {
        this.handlers = handlers;
        this.inboxOn = inboxOn;
        this.rules = rules;
        this.inboxGlobList = inboxGlobs;
        this.inboxGlobs = new MethodGlobs(inboxGlobs);
    }

    /** Without a routes table or targets: handlers, inbox handlers, the inbox's methods, refuse. */
    public static Routes of(HandlerRegistry handlers, boolean inboxOn, List<String> inboxGlobs) {
        return of(handlers, inboxOn, inboxGlobs, List.of(), Targets.none());
    }

    /**
     * @param inboxOn    whether the inbox is on
     * @param inboxGlobs the methods the inbox takes when nothing earlier does
     * @param rules      the {@code routes:} table
     * @param targets    the targets the table names
     * @throws ConfigException naming the line: an unknown target, a target that cannot answer a {@code forward}, an
     *                         {@code inbox} line with the inbox off, a line no call can reach
     */
    public static Routes of(HandlerRegistry handlers, boolean inboxOn, List<String> inboxGlobs, List<RouteRule> rules,
                            Targets targets) {
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(inboxGlobs, "inboxGlobs");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(targets, "targets");
        if (!inboxOn && !handlers.inboxMethods().isEmpty()) {
            throw new ConfigException("inbox handlers are installed for " + handlers.inboxMethods()
                    + " but the inbox is off (QIMEN_INBOX)");
        }
        List<Compiled> compiled = new ArrayList<>();
        for (RouteRule r : rules) {
            String glob = MethodGlobs.normalize(r.glob());
            boolean exact = !glob.contains("*");
            for (Compiled earlier : compiled) {
                // the later glob, its * read literally, matching the earlier one: every method it names is taken
                if (earlier.glob().matches(glob)) {
                    throw new ConfigException(r.origin() + " ('" + r + "') is never reached: " + earlier.rule().origin()
                            + " ('" + earlier.rule() + "') takes all its methods first");
                }
            }
            if (exact && handlers.find(glob).isPresent()) {
                throw new ConfigException(r.origin() + " ('" + r + "') is never reached: handler "
                        + handlers.find(glob).get().getClass().getName() + " answers " + glob);
            }
            if (exact && handlers.findInbox(glob).isPresent()) {
                throw new ConfigException(r.origin() + " ('" + r + "') is never reached: inbox handler "
                        + handlers.findInbox(glob).get().getClass().getName() + " consumes " + glob);
            }
            Target target = null;
            if (r.target() != null) {
                target = targets.get(r.target()).orElseThrow(() -> new ConfigException(r.origin() + " ('" + r
                        + "'): unknown target '" + r.target() + "'; configured targets: "
                        + targets.all().stream().map(Target::name).toList()));
            }
            String tag = exact ? glob : OTHER;
            Route route = switch (r.action()) {
                case REFUSE -> new Route.None("method " + glob + " is refused by the routes table", true);
                case INBOX -> {
                    if (!inboxOn) {
                        throw new ConfigException(r.origin() + " ('" + r + "'): the inbox is off (QIMEN_INBOX)");
                    }
                    yield new Route.Inbox(tag, target);
                }
                case FORWARD -> {
                    AsyncQimenHandler forwarder = target.forwarder();
                    if (forwarder == null) {
                        throw new ConfigException(r.origin() + " ('" + r + "'): target '" + target.name() + "' ("
                                + target.type() + ") cannot answer calls; use 'inbox " + target.name() + "'");
                    }
                    yield new Route.Handler(forwarder, forwarder.execution(), tag, target);
                }
            };
            compiled.add(new Compiled(r, new MethodGlobs(List.of(glob)), route, exact));
        }
        return new Routes(handlers, inboxOn, List.copyOf(compiled), List.copyOf(inboxGlobs));
    }

    /** Where a call of this normalized method goes. */
    public Route route(String normalizedMethod) {
        Route r = known.get(normalizedMethod);
        return r != null ? r : decide(normalizedMethod);
    }

    private Route decide(String method) {
        QimenHandler handler = handlers.find(method).orElse(null);
        if (handler != null) {
            return remember(method, new Route.Handler(handler, handler.execution(), method));
        }
        if (inboxOn && handlers.findInbox(method).isPresent()) {
            return remember(method, new Route.Inbox(method));
        }
        for (Compiled c : rules) {
            if (c.glob().matches(method)) {
                // a glob can match any name a signed caller invents: only named and standard methods are remembered
                if (c.exact()) {
                    return remember(method, c.route());
                }
                if (STANDARD.contains(method)) {
                    return remember(method, relabel(c.route(), method));
                }
                return c.route();
            }
        }
        if (inboxOn && inboxGlobs.matches(method)) {
            return STANDARD.contains(method) ? remember(method, new Route.Inbox(method)) : new Route.Inbox(OTHER);
        }
        return new Route.None("no handler answers method " + method + " (and it is not routed: see the routes"
                + " table)");
    }

    private static Route relabel(Route r, String tag) {
        if (r instanceof Route.Handler h) {
            return new Route.Handler(h.handler(), h.execution(), tag, h.target());
        }
        return r instanceof Route.Inbox i ? new Route.Inbox(tag, i.target()) : r;
    }

    private Route remember(String method, Route r) {
        known.put(method, r);
        return r;
    }

    /** The effective table, one line per entry in the order it is applied: printed at start, shown in the console. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        Set<String> handled = new TreeSet<>(handlers.methods());
        for (String m : handled) {
            lines.add(m + ": handler " + handlers.find(m).map(h -> h.getClass().getName()).orElse("?"));
        }
        for (String m : new TreeSet<>(handlers.inboxMethods())) {
            InboxHandler h = handlers.findInbox(m).orElse(null);
            lines.add(m + ": inbox, delivered to " + (h == null ? "?" : h.getClass().getName()));
        }
        for (Compiled c : rules) {
            Target t = c.route() instanceof Route.Handler h ? h.target()
                    : c.route() instanceof Route.Inbox i ? i.target() : null;
            lines.add(c.rule() + (t == null ? "" : " (" + t.type() + " " + t.describe() + ")") + "   # "
                    + c.rule().origin());
        }
        if (inboxOn && !inboxGlobList.isEmpty()) {
            lines.add(String.join(",", inboxGlobList) + ": inbox   # inbox_methods");
        }
        lines.add("*: refuse (invalid-method)");
        return List.copyOf(lines);
    }
}
