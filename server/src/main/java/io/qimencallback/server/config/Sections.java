package io.qimencallback.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.server.route.RouteRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The structured parts of the YAML file, beside the flat settings of {@link Setting}: {@code routes:} (a list of
 * {@code glob: action} lines), {@code targets:} and {@code plugins:} (named sections of scalar values).
 *
 * <pre>
 * routes:
 *   - inventory.query: forward erp
 *   - deliveryorder.create: inbox erp
 * targets:
 *   erp: {type: http, url: "http://erp.internal:8000/qimen", secret_file: /run/secrets/erp-forward}
 * plugins:
 *   wms: {erp_url: "http://erp.internal:8000", password_file: /run/secrets/wms}
 * </pre>
 */
final class Sections {
    static final List<String> NAMES = List.of("routes", "targets", "plugins");
    /** The whole table in one variable: {@code glob=action} items separated by {@code ;} or line breaks. */
    static final String ROUTES_ENV = "QIMEN_ROUTES";

    private Sections() {
    }

    /** Applies a structured key of the file; {@code false} when the key is a flat setting. */
    static boolean apply(ServerConfig.Builder b, String key, JsonNode value, Path file) {
        switch (key) {
            case "routes" -> b.routes(routes(value, file));
            case "targets" -> named(value, "targets", file).forEach(b::target);
            case "plugins" -> named(value, "plugins", file).forEach(b::plugin);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static List<RouteRule> routes(JsonNode list, Path file) {
        List<RouteRule> rules = new ArrayList<>();
        if (list.isNull()) {
            return rules;
        }
        if (!list.isArray()) {
            throw new ConfigException(file + ": routes: expected a list of 'glob: action' lines");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode line = list.get(i);
            String origin = "routes[" + (i + 1) + "] (" + file + ")";
            if (!line.isObject() || line.size() != 1 || !line.elements().next().isValueNode()) {
                throw new ConfigException(origin + ": expected one 'glob: action' pair, e.g. '- inventory.query: forward erp'");
            }
            Map.Entry<String, JsonNode> e = line.fields().next();
            rules.add(RouteRule.parse(origin, e.getKey(), e.getValue().asText()));
        }
        return rules;
    }

    /** {@code QIMEN_ROUTES}: {@code inventory.query=forward erp;*.create=inbox erp}. */
    static List<RouteRule> routes(String env) {
        List<RouteRule> rules = new ArrayList<>();
        String[] items = env.split("[;\\n]");
        int n = 0;
        for (String item : items) {
            if (item.isBlank()) {
                continue;
            }
            n++;
            String origin = "routes[" + n + "] (" + ROUTES_ENV + ")";
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(origin + ": '" + item.trim() + "' — expected glob=action");
            }
            rules.add(RouteRule.parse(origin, item.substring(0, eq).trim(), item.substring(eq + 1)));
        }
        return rules;
    }

    /**
     * The {@code targets:} sections, and those only the environment defines ({@code QIMEN_TARGETS_<NAME>_TYPE}), each
     * resolved. A {@code _TYPE} variable under a section already known is that section's key
     * ({@code QIMEN_TARGETS_EVENTS_PRODUCER_COMPRESSION_TYPE}), not a new target; the shorter name is taken first.
     *
     * @throws ConfigException when two names' variables would overlap ({@link Section#requireSeparatePrefixes})
     */
    static List<Section> targets(Map<String, Map<String, String>> yaml, Map<String, String> env) {
        String kind = "targets";
        Map<String, Map<String, String>> all = new LinkedHashMap<>(yaml);
        String prefix = "QIMEN_TARGETS_";
        String type = "_TYPE";
        List<String> found = new ArrayList<>();
        env.keySet().stream().filter(k -> k.startsWith(prefix) && k.endsWith(type) && k.length() > prefix.length() + type.length())
                .map(k -> k.substring(prefix.length(), k.length() - type.length()).toLowerCase(Locale.ROOT))
                .sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()))
                .forEach(name -> {
                    String own = Section.envPrefix(kind, name);
                    if (Stream.concat(all.keySet().stream(), found.stream())
                            .noneMatch(n -> own.startsWith(Section.envPrefix(kind, n)))) {
                        found.add(name);
                    }
                });
        found.stream().sorted().forEach(name -> all.put(name, Map.of()));
        Section.requireSeparatePrefixes(kind, all.keySet());
        return all.entrySet().stream().map(e -> Section.of(kind, e.getKey(), e.getValue(), env)).toList();
    }

    private static Map<String, Map<String, String>> named(JsonNode map, String kind, Path file) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (map.isNull()) {
            return out;
        }
        if (!map.isObject()) {
            throw new ConfigException(file + ": " + kind + ": expected a mapping of names to sections");
        }
        map.fields().forEachRemaining(section -> {
            JsonNode v = section.getValue();
            if (!v.isObject()) {
                throw new ConfigException(file + ": " + kind + "." + section.getKey() + ": expected a mapping of keys to values");
            }
            Map<String, String> values = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> {
                JsonNode x = e.getValue();
                if (x.isContainerNode()) {
                    if (!x.isArray()) {
                        throw new ConfigException(file + ": " + kind + "." + section.getKey() + "." + e.getKey()
                                + ": expected a value or a list of values");
                    }
                    List<String> parts = new ArrayList<>();
                    x.forEach(item -> parts.add(item.asText()));
                    values.put(e.getKey(), String.join(",", parts));
                } else {
                    values.put(e.getKey(), x.isNull() ? "" : x.asText());
                }
            });
            out.put(section.getKey(), values);
        });
        return out;
    }
}
