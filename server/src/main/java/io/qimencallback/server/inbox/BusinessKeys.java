package io.qimencallback.server.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.internal.SystemParams;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What makes a call the same call again: the document code for the ERP–WMS APIs ({@code deliveryOrderCode}, ...),
 * a configured field for others, else a hash of the signed content without {@code timestamp} and {@code sign} (a
 * gateway retry re-signs with a new timestamp, and nothing else changes).
 */
final class BusinessKeys {
    private static final int MAX_KEY_LENGTH = 200;
    private static final String HASH_PREFIX = "sha256:";

    private final Map<Pattern, String> fields = new LinkedHashMap<>();

    BusinessKeys(Map<String, String> globToField) {
        globToField.forEach((glob, field) -> fields.put(MethodGlobs.compile(glob), field));
    }

    String keyFor(String normalizedMethod, Map<String, String> signedParams, JsonNode tree, byte[] body) {
        for (Map.Entry<Pattern, String> e : fields.entrySet()) {
            if (e.getKey().matcher(normalizedMethod).matches()) {
                String v = find(tree, e.getValue());
                if (v == null) {
                    v = signedParams.get(e.getValue());
                }
                // a document code shaped like a content hash could shadow another call's hash key
                if (v != null && !v.isBlank() && v.length() <= MAX_KEY_LENGTH && !v.trim().startsWith(HASH_PREFIX)) {
                    return v.trim();
                }
                break; // no usable document code: the content decides
            }
        }
        return contentHash(signedParams, body);
    }

    /** The first non-blank text value of a field of this name, breadth first (the document's own code is shallow). */
    private static String find(JsonNode tree, String field) {
        if (tree == null) {
            return null;
        }
        Deque<JsonNode> queue = new ArrayDeque<>();
        queue.add(tree);
        while (!queue.isEmpty()) {
            JsonNode n = queue.poll();
            if (n.isObject()) {
                JsonNode v = n.get(field);
                if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                    return v.asText();
                }
            }
            if (n.isContainerNode()) {
                n.forEach(queue::add);
            }
        }
        return null;
    }

    static String contentHash(Map<String, String> signedParams, byte[] body) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // every part length-prefixed: no two different parameter sets or bodies give the same input
        new TreeMap<>(signedParams).forEach((k, v) -> {
            if (!k.equals(SystemParams.TIMESTAMP) && !k.equals(SystemParams.SIGN)) {
                part(sha, k.getBytes(StandardCharsets.UTF_8));
                part(sha, v.getBytes(StandardCharsets.UTF_8));
            }
        });
        part(sha, body);
        return HASH_PREFIX + HexFormat.of().formatHex(sha.digest());
    }

    private static void part(MessageDigest sha, byte[] bytes) {
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }
}
