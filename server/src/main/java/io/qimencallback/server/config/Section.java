package io.qimencallback.server.config;

import io.qimencallback.protocol.handler.PluginSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One named section of settings ({@code plugins.<name>}, {@code targets.<name>}): the YAML values, each overridden by
 * {@code QIMEN_<KIND>_<NAME>_<KEY>} from the environment, {@code <key>_file} read into {@code <key>}. Resolved once, at
 * load; immutable. Values read from files and keys that name a secret are masked in {@link #toString()}.
 */
public final class Section implements PluginSettings {
    /** Keys whose values are masked when printed: {@code sasl_password}, {@code api_key}, {@code auth_header}, ... */
    private static final Pattern SECRET =
            Pattern.compile("PASSWORD|PASSWD|PWD|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|JAAS|COOKIE");
    /** {@code scheme://user:pass@}: the user information of a URL. */
    private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s]*@");
    /** {@code ?token=abc&x=1}: the values of a URL's query. */
    private static final Pattern QUERY_VALUE = Pattern.compile("([?&][^=&#\\s]*=)[^&#\\s]*");
    private static final String MASK = "****";
    private static final String FILE = "_FILE";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String kind;
    private final String name;
    /** normalized key → value */
    private final Map<String, String> values;
    /** normalized key → the key as written */
    private final Map<String, String> spelling;
    private final Set<String> secret;

    private Section(String kind, String name, Map<String, String> values, Map<String, String> spelling,
                    Set<String> secret) {
        this.kind = kind;
        this.name = name;
        this.values = values;
        this.spelling = spelling;
        this.secret = secret;
    }

    /**
     * Each key is taken from the environment when set there ({@code QIMEN_<KIND>_<NAME>_<KEY>} or {@code ..._<KEY>_FILE}),
     * else from the file ({@code key} or {@code key_file}): the environment wins key by key, whether it gives the value
     * or a file. A key given both as itself and as {@code _file} in the same place is refused: which was meant is
     * unknowable.
     *
     * @param kind the section's kind as in the environment's prefix, e.g. {@code plugins}
     * @param yaml the section's values from the file (may be empty)
     * @param env  the whole environment; {@code QIMEN_<KIND>_<NAME>_*} is read from it
     * @throws ConfigException when a {@code _file} cannot be read, or a key is given both ways in one place (the
     *                         message names the section and key, never a value)
     */
    public static Section of(String kind, String name, Map<String, String> yaml, Map<String, String> env) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(env, "env");
        Map<String, String> spelling = new LinkedHashMap<>();
        Map<String, String> fromFile = new LinkedHashMap<>();
        yaml.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                fromFile.put(normalize(k), v);
                spelling.put(normalize(k), k);
            }
        });
        String prefix = envPrefix(kind, name);
        Map<String, String> fromEnv = new TreeMap<>(); // sorted: the settings line does not depend on a hash order
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length() && v != null && !v.isBlank()) {
                fromEnv.put(normalize(k.substring(prefix.length())), v);
            }
        });
        String where = kind + "." + name;
        oneWayEach(fromFile, base -> where + ": " + spelling.get(base) + " and " + spelling.get(base + FILE)
                + " are both set in the file");
        oneWayEach(fromEnv, base -> where + ": " + prefix + base + " and " + prefix + base + FILE
                + " are both set in the environment");
        Map<String, String> raw = new LinkedHashMap<>(fromFile);
        fromEnv.forEach((k, v) -> {
            String base = base(k);
            raw.remove(base);
            raw.remove(base + FILE);
            spelling.putIfAbsent(k, k.toLowerCase(Locale.ROOT));
        });
        raw.putAll(fromEnv);
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> secret = new LinkedHashSet<>();
        raw.forEach((k, v) -> {
            String base = base(k);
            if (!base.equals(k)) {
                String fileKey = spelling.get(k);
                values.put(base, read(kind, name, fileKey, v));
                spelling.putIfAbsent(base, fileKey.substring(0, fileKey.length() - FILE.length()));
                secret.add(base);
            } else {
                values.put(k, v);
                if (SECRET.matcher(k).find()) {
                    secret.add(k);
                }
            }
        });
        return new Section(kind, name, Collections.unmodifiableMap(values), Collections.unmodifiableMap(spelling),
                Collections.unmodifiableSet(secret));
    }

    /** {@code PASSWORD} for {@code PASSWORD_FILE}; any other key is its own base. */
    private static String base(String normalizedKey) {
        return normalizedKey.endsWith(FILE) && normalizedKey.length() > FILE.length()
                ? normalizedKey.substring(0, normalizedKey.length() - FILE.length()) : normalizedKey;
    }

    /** Refuses {@code key} beside {@code key_file} among values from one place. */
    private static void oneWayEach(Map<String, String> values, Function<String, String> bothSet) {
        for (String k : values.keySet()) {
            String base = base(k);
            if (!base.equals(k) && values.containsKey(base)) {
                throw new ConfigException(bothSet.apply(base) + ": set the value or the file it is read from, not"
                        + " both");
            }
        }
    }

    /**
     * Refuses two sections of one kind when a variable of one could be read as the other's: {@code wms} would
     * otherwise take {@code QIMEN_PLUGINS_WMS_ERP_PASSWORD} of {@code wms-erp} as its key {@code erp_password}.
     *
     * @throws ConfigException naming both, telling to rename one
     */
    public static void requireSeparatePrefixes(String kind, Collection<String> names) {
        Objects.requireNonNull(kind, "kind");
        List<String> sorted = names.stream().distinct().sorted(Comparator.comparingInt(String::length)
                .thenComparing(Comparator.naturalOrder())).toList();
        for (int i = 0; i < sorted.size(); i++) {
            String shorter = envPrefix(kind, sorted.get(i));
            for (int j = i + 1; j < sorted.size(); j++) {
                String longer = envPrefix(kind, sorted.get(j));
                if (longer.startsWith(shorter)) {
                    throw new ConfigException(kind + "." + sorted.get(i) + " and " + kind + "." + sorted.get(j)
                            + (longer.equals(shorter) ? " are both " + shorter + "* in the environment"
                            : ": every " + longer + "* variable is also " + shorter + "*, so " + sorted.get(i)
                            + " would read the other's settings")
                            + "; rename one of them");
                }
            }
        }
    }

    /** {@code QIMEN_PLUGINS_WMS_} for kind {@code plugins}, name {@code wms}. */
    public static String envPrefix(String kind, String name) {
        return "QIMEN_" + normalize(kind) + "_" + normalize(name) + "_";
    }

    /** Upper case, {@code -} and {@code .} as {@code _}: how a key is spelt in the environment. */
    public static String normalize(String key) {
        return key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    private static String read(String kind, String name, String key, String file) {
        try {
            String s = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(kind + "." + name + "." + key + ": cannot read '" + file + "': "
                    + e.getClass().getSimpleName());
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code plugins}, {@code targets}. */
    public String kind() {
        return kind;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        values.keySet().forEach(k -> keys.add(spelling.getOrDefault(k, k.toLowerCase(Locale.ROOT))));
        return Collections.unmodifiableSet(keys);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(normalize(key)));
    }

    @Override
    public String require(String key) {
        return get(key).orElseThrow(() -> new IllegalStateException(where(key) + " is not set (" + envPrefix(kind, name)
                + normalize(key) + " in the environment, or " + kind + "." + name + "." + key + " in the file)"));
    }

    @Override
    public int getInt(String key, int defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(where(key) + ": '" + shown(key, v.get()) + "' is not an integer");
        }
    }

    @Override
    public Duration getDuration(String key, Duration defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String s = v.get().trim();
        Matcher m = DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(where(key) + ": '" + shown(key, s) + "' is not a duration (500ms, 5s, 2m,"
                    + " 1h or PT5S)");
        }
    }

    @Override
    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new IllegalStateException(where(key) + ": '" + shown(key, v.get()) + "' is not true/false");
        };
    }

    /** Whether the value of this key is masked when printed. */
    public boolean isSecret(String key) {
        return secret.contains(normalize(key));
    }

    private String where(String key) {
        return kind + "." + name + "." + key;
    }

    private String shown(String key, String value) {
        return isSecret(key) ? MASK : maskUrls(value);
    }

    /**
     * A value as it may be printed: in a value holding URLs ({@code scheme://}), each one's user information and query
     * values are masked ({@code http://****@erp/x?token=****}); any other value is returned as it is.
     */
    public static String maskUrls(String value) {
        if (!value.contains("://")) {
            return value;
        }
        String masked = USERINFO.matcher(value).replaceAll("$1" + MASK + "@");
        return QUERY_VALUE.matcher(masked).replaceAll("$1" + MASK);
    }

    /** For the settings line at start: secrets masked. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append('{');
        values.forEach((k, v) -> {
            if (b.charAt(b.length() - 1) != '{') {
                b.append(", ");
            }
            b.append(spelling.getOrDefault(k, k)).append('=').append(secret.contains(k) ? MASK : maskUrls(v));
        });
        return b.append('}').toString();
    }
}
