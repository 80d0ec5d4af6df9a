package io.qimencallback.protocol.internal.sign;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Hex;

/**
 * The three TOP signature algorithms (spec §3.2, §3.4). Every signature in this project, made or checked, is
 * computed by {@link #sign}.
 */
public enum SignMethod {
    /** {@code MD5(secret + params + body + secret)}; what {@code SpiUtils} always checks. */
    MD5("md5", null),
    /** HMAC-MD5 over {@code params + body}, keyed with the secret. */
    HMAC("hmac", "HmacMD5"),
    /** HMAC-SHA256 over {@code params + body}, keyed with the secret. */
    HMAC_SHA256("hmac-sha256", "HmacSHA256");

    private final String wireName;
    private final String macAlgorithm;

    SignMethod(String wireName, String macAlgorithm) {
        this.wireName = wireName;
        this.macAlgorithm = macAlgorithm;
    }

    /** The value of {@code sign_method}. */
    public String wireName() {
        return wireName;
    }

    /** The method a {@code sign_method} value names, case-insensitively. */
    public static Optional<SignMethod> fromWireName(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (SignMethod m : values()) {
            if (m.wireName.equals(v)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Upper-case hex signature of {@code base} under {@code secret}. The body is hashed from its bytes as received. */
    public String sign(SignatureBase base, String secret) {
        Charset cs = base.charset();
        byte[] params = base.canonicalParams().getBytes(cs);
        byte[] body = base.body();
        try {
            byte[] digest;
            if (macAlgorithm == null) {
                MessageDigest md = md5();
                byte[] s = secret.getBytes(cs);
                md.update(s);
                md.update(params);
                if (body != null) {
                    md.update(body);
                }
                md.update(s);
                digest = md.digest();
            } else {
                Mac mac = Mac.getInstance(macAlgorithm);
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlgorithm));
                mac.update(params);
                if (body != null) {
                    mac.update(body);
                }
                digest = mac.doFinal();
            }
            return Hex.encodeHexString(digest, false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm == null ? "MD5" : macAlgorithm + " unavailable", e);
        }
    }

    /** A fresh MD5 digest, cloned from a prototype: cheaper than a provider lookup per signature. */
    private static MessageDigest md5() throws GeneralSecurityException {
        try {
            return (MessageDigest) MD5_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return MessageDigest.getInstance("MD5");
        }
    }

    private static final MessageDigest MD5_PROTOTYPE;

    static {
        try {
            MD5_PROTOTYPE = MessageDigest.getInstance("MD5");
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public String toString() {
        return wireName;
    }
}
