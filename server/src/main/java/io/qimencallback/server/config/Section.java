package io.qimencallback.server.config;

import io.qimencallback.protocol.handler.PluginSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One named section of settings ({@code plugins.<name>}, {@code targets.<name>}): the YAML values, each overridden by
 * {@code QIMEN_<KIND>_<NAME>_<KEY>} from the environment, {@code <key>_file} read into {@code <key>}. Resolved once, at
 * load; immutable. Values read from files and keys that name a secret are masked in {@link #toString()}.
 */
public final class Section implements PluginSettings {
    private static final Pattern SECRET = Pattern.compile("PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL");
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
     * @param kind the section's kind as in the environment's prefix, e.g. {@code plugins}
     * @param yaml the section's values from the file (may be empty)
     * @param env  the whole environment; {@code QIMEN_<KIND>_<NAME>_*} is read from it
     * @throws ConfigException when a {@code _file} cannot be read
     */
    public static Section of(String kind, String name, Map<String, String> yaml, Map<String, String> env) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>();
        yaml.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                raw.put(normalize(k), v);
                spelling.put(normalize(k), k);
            }
        });
        String prefix = envPrefix(kind, name);
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length() && v != null && !v.isBlank()) {
                String key = k.substring(prefix.length());
                raw.put(key, v);
                spelling.putIfAbsent(key, key.toLowerCase(Locale.ROOT));
            }
        });
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> secret = new LinkedHashSet<>();
        raw.forEach((k, v) -> {
            if (k.endsWith("_FILE") && k.length() > 5) {
                String base = k.substring(0, k.length() - 5);
                if (!raw.containsKey(base)) {
                    values.put(base, read(kind, name, spelling.get(k), v));
                    spelling.putIfAbsent(base, spelling.get(k).substring(0, spelling.get(k).length() - 5));
                    secret.add(base);
                }
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
        return isSecret(key) ? "****" : value;
    }

    /** For the settings line at start: secrets masked. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append('{');
        values.forEach((k, v) -> {
            if (b.charAt(b.length() - 1) != '{') {
                b.append(", ");
            }
            b.append(spelling.getOrDefault(k, k)).append('=').append(secret.contains(k) ? "****" : v);
        });
        return b.append('}').toString();
    }
}
