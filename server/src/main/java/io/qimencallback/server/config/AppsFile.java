package io.qimencallback.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads signing secrets from a file ({@code QIMEN_APPS_FILE}), so that they can live in a mounted secret and be
 * rotated without a restart. Two formats, told apart by the file name:
 *
 * <ul>
 *   <li>{@code *.yml} / {@code *.yaml}: a mapping of app key to a secret or a list of secrets;</li>
 *   <li>anything else: one {@code appKey:secret} per line (split on the first {@code :}, so a secret may hold
 *       {@code :} and {@code ,}); blank lines and lines starting with {@code #} are skipped.</li>
 * </ul>
 *
 * Error messages name the file and a line number, never a line's content: it may be a secret.
 */
public final class AppsFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private AppsFile() {
    }

    /** @throws ConfigException when the file cannot be read, does not parse, or holds no secret */
    public static AppSecrets read(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getClass().getSimpleName());
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        AppSecrets secrets = name.endsWith(".yml") || name.endsWith(".yaml") ? yaml(file, text) : lines(file, text);
        if (secrets.isEmpty()) {
            throw new ConfigException(file + ": holds no appKey:secret entry");
        }
        return secrets;
    }

    private static AppSecrets lines(Path file, String text) {
        AppSecrets.Builder b = AppSecrets.builder();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? "" : line.substring(0, colon).strip();
            String secret = colon < 0 ? "" : line.substring(colon + 1).strip();
            if (key.isEmpty() || secret.isEmpty()) {
                throw new ConfigException(file + ":" + (i + 1) + ": expected appKey:secret");
            }
            b.add(key, secret);
        }
        return b.build();
    }

    private static AppSecrets yaml(Path file, String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            // the parser's message may quote the offending text; the location is enough
            throw new ConfigException(file + ": not valid YAML near line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return AppSecrets.builder().build();
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of app key to a secret or a list of secrets");
        }
        AppSecrets.Builder b = AppSecrets.builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                v.forEach(secret -> add(b, file, e.getKey(), secret));
            } else {
                add(b, file, e.getKey(), v);
            }
        }
        return b.build();
    }

    private static void add(AppSecrets.Builder b, Path file, String appKey, JsonNode secret) {
        if (!secret.isValueNode() || secret.isNull() || secret.asText().isBlank() || appKey.isBlank()) {
            throw new ConfigException(file + ": app key '" + appKey + "': expected a secret or a list of secrets");
        }
        b.add(appKey.strip(), secret.asText().strip());
    }
}
