package io.qimencallback.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads settings from an optional YAML file, then lets the environment override each one ({@link Setting#env()}).
 * Blank environment variables count as unset. Unknown keys in the file fail, so a typo does not silently fall back
 * to a default.
 *
 * <pre>
 * port: 8080
 * apps:                      # or "k1:s1,k2:s2"
 *   "12345678": [new-secret, old-secret]
 * allowed_sources: [140.205.144.0/24]
 * </pre>
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static ServerConfig load(Path file, Map<String, String> env) {
        ServerConfig.Builder b = ServerConfig.builder();
        // set but empty: a secret was meant (a forgotten variable of a proxy or container set-up), not the demo
        boolean appsBlank = env.containsKey(Setting.APPS.env()) && isBlank(env.get(Setting.APPS.env()));
        if (file != null) {
            JsonNode root = read(file);
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (Sections.apply(b, e.getKey(), e.getValue(), file)) {
                    continue;
                }
                Setting s = byKey(e.getKey(), file);
                if (s == Setting.APPS) {
                    JsonNode v = e.getValue();
                    appsBlank |= v.isContainerNode() ? v.size() == 0 : v.isNull() || v.asText().isBlank();
                }
                if (s == Setting.APPS && e.getValue().isObject()) {
                    b.apps(apps(e.getValue(), file)); // built directly: a secret may contain any character
                } else {
                    s.apply(b, text(s, e.getValue()), file.toString());
                }
            }
        }
        for (Setting s : Setting.values()) {
            String v = env.get(s.env());
            if (v != null && !v.isBlank()) {
                s.apply(b, v, "environment");
            }
        }
        String routes = env.get(Sections.ROUTES_ENV);
        if (routes != null && !routes.isBlank()) {
            b.routes(Sections.routes(routes));
        }
        b.environment(env);
        ServerConfig config = b.build();
        if (config.demo() && appsBlank) {
            throw new ConfigException(Setting.APPS.env() + " (apps) is set but empty, and no "
                    + Setting.APPS_FILE.env() + " is set: refusing to start on the published demo credentials. Set a"
                    + " secret (appKey:secret), or leave " + Setting.APPS.env() + " unset for the loopback demo.");
        }
        return config;
    }

    private static boolean isBlank(String v) {
        return v == null || v.isBlank();
    }

    private static JsonNode read(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()); // only when there is a file: Jackson's start-up is not free
        try {
            JsonNode root = yaml.readTree(Files.readAllBytes(file));
            if (root == null || root.isMissingNode() || root.isNull()) {
                return yaml.createObjectNode();
            }
            if (!root.isObject()) {
                throw new ConfigException(file + ": expected a mapping of settings at the top level");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static Setting byKey(String key, Path file) {
        for (Setting s : Setting.values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        throw new ConfigException(file + ": unknown setting '" + key + "'; known: "
                + Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.joining(", "))
                + ", and the sections " + String.join(", ", Sections.NAMES));
    }

    /** {@code apps} as a map of app key to a secret or a list of secrets. */
    private static AppSecrets apps(JsonNode map, Path file) {
        AppSecrets.Builder b = AppSecrets.builder();
        try {
            map.fields().forEachRemaining(e -> {
                if (e.getValue().isArray()) {
                    e.getValue().forEach(secret -> b.add(e.getKey(), secret.asText()));
                } else {
                    b.add(e.getKey(), e.getValue().asText());
                }
            });
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Setting.APPS.env() + " (apps, from " + file + "): " + e.getMessage());
        }
        return b.build();
    }

    /** Scalars as text; lists joined with commas. */
    private static String text(Setting s, JsonNode v) {
        if (v.isNull()) {
            return "";
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        if (!v.isArray()) {
            throw new ConfigException(s.env() + " (" + s.key() + "): expected a value or a list");
        }
        List<String> parts = new ArrayList<>();
        v.forEach(item -> parts.add(item.asText()));
        return String.join(",", parts);
    }
}
