package io.qimencallback.server.route;

import io.qimencallback.server.config.ConfigException;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of the {@code routes:} table: a glob over normalized method names and where its calls go.
 *
 * <pre>
 * routes:
 *   - inventory.query: forward erp      # answered by the internal endpoint of target erp
 *   - "*.create": inbox erp             # stored, acknowledged once committed, delivered to target erp
 *   - order.cancel: inbox               # stored, for an inbox handler plugin or the inbox API
 *   - "wdt.*": refuse                   # invalid-method
 * </pre>
 *
 * @param origin where the line was written, for errors: {@code routes[2] (/etc/qimen.yml)}
 * @param glob   {@code *} = any run of characters
 * @param target the target's name; {@code null} for {@code refuse} and a bare {@code inbox}
 */
public record RouteRule(String origin, String glob, Action action, String target) {

    /** What a route does with a call. */
    public enum Action {
        /** Store in the inbox, answer {@code success} once committed, deliver to the target (if any). */
        INBOX,
        /** Answer synchronously with the target's answer. */
        FORWARD,
        /** Answer {@code invalid-method}. */
        REFUSE
    }

    public RouteRule {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(action, "action");
        if (glob.isBlank()) {
            throw new ConfigException(origin + ": empty method glob");
        }
        if (action == Action.FORWARD && target == null) {
            throw new ConfigException(origin + ": 'forward' needs a target name (forward <target>)");
        }
        if (action == Action.REFUSE && target != null) {
            throw new ConfigException(origin + ": 'refuse' takes no target");
        }
    }

    /** {@code inbox}, {@code inbox <target>}, {@code forward <target>} or {@code refuse}. */
    public static RouteRule parse(String origin, String glob, String action) {
        String[] words = action == null ? new String[0] : action.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty() || words.length > 2) {
            throw new ConfigException(origin + ": '" + glob + ": " + action + "' — expected 'inbox', 'inbox <target>',"
                    + " 'forward <target>' or 'refuse'");
        }
        Action a = switch (words[0].toLowerCase(Locale.ROOT)) {
            case "inbox" -> Action.INBOX;
            case "forward" -> Action.FORWARD;
            case "refuse" -> Action.REFUSE;
            default -> throw new ConfigException(origin + ": unknown action '" + words[0] + "'; expected inbox,"
                    + " forward or refuse");
        };
        return new RouteRule(origin, glob.trim(), a, words.length == 2 ? words[1] : null);
    }

    /** As written in the configuration. */
    @Override
    public String toString() {
        return glob + ": " + action.name().toLowerCase(Locale.ROOT) + (target == null ? "" : " " + target);
    }
}
