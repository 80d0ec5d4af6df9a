package io.qimencallback.server.target;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs what the server sends to an internal target the Standard Webhooks way (standardwebhooks.com): headers
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature} =
 * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.payload">}, one space-separated signature per secret during a
 * rotation. A secret written {@code whsec_<base64>} is used as its decoded bytes (as the specification's libraries
 * do); any other secret as its UTF-8 bytes.
 */
public final class WebhookSignature {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private WebhookSignature() {
    }

    /** The key bytes of a configured secret. */
    public static byte[] key(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.startsWith(PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a secret starting with whsec_ must be base64 after the prefix");
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code webhook-signature} header value: {@code v1,<sig>} per key, space-separated, in the keys' order. */
    public static String sign(String id, long timestampSeconds, byte[] payload, List<byte[]> keys) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no signing key");
        }
        StringBuilder header = new StringBuilder();
        for (byte[] key : keys) {
            if (header.length() > 0) {
                header.append(' ');
            }
            header.append("v1,").append(Base64.getEncoder().encodeToString(mac(key, id, timestampSeconds, payload)));
        }
        return header.toString();
    }

    /**
     * Whether one of the header's {@code v1} signatures is the signature of this message under one of the keys,
     * compared in constant time. The timestamp's freshness is the caller's check.
     */
    public static boolean verify(String id, long timestampSeconds, byte[] payload, String header, List<byte[]> keys) {
        if (id == null || payload == null || header == null) {
            return false;
        }
        boolean ok = false;
        for (byte[] key : keys) {
            byte[] expected = mac(key, id, timestampSeconds, payload);
            for (String part : header.trim().split(" +")) {
                if (part.startsWith("v1,")) {
                    byte[] given;
                    try {
                        given = Base64.getDecoder().decode(part.substring(3));
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    ok |= MessageDigest.isEqual(expected, given);
                }
            }
        }
        return ok;
    }

    private static byte[] mac(byte[] key, String id, long timestampSeconds, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(payload);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
