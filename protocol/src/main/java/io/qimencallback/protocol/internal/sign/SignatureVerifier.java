package io.qimencallback.protocol.internal.sign;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a claimed signature the way the gateway may have computed it (spec §3, §9.3).
 *
 * <p>Tried, in order, for each secret: the method {@code sign_method} names when it is {@code hmac} or
 * {@code hmac-sha256}; MD5 (always, as {@code SpiUtils} ignores {@code sign_method}); each over all parameters and,
 * when some are empty, over the parameters without them. Comparison is constant-time and ignores hex case.
 */
public final class SignatureVerifier {
    private SignatureVerifier() {
    }

    /** Which variant matched. */
    public record Match(SignMethod method, boolean emptyValuesDropped) {
    }

    /** One signature computed during a check: for which secret (its index), how, the result, and whether it matched. */
    public record Attempt(int secretIndex, SignMethod method, boolean emptyValuesDropped, String expected,
                         boolean matched) {
        public Attempt {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(expected, "expected");
        }
    }

    /**
     * The outcome of a check and every signature it computed, in the order tried (it stops at the first match). The
     * attempts hold computed signatures: a diagnostic may show them only in part (a full one is a signing oracle).
     */
    public record Verification(Optional<Match> match, List<Attempt> attempts) {
        public Verification {
            Objects.requireNonNull(match, "match");
            attempts = List.copyOf(attempts);
        }
    }

    public static Optional<Match> verify(SignatureBase base, String claimedSign, String signMethodParam,
                                         Collection<String> secrets) {
        return check(base, claimedSign, signMethodParam, secrets).match();
    }

    /** As {@link #verify}, and also what was computed on the way, so that a failure can be explained without rehashing. */
    public static Verification check(SignatureBase base, String claimedSign, String signMethodParam,
                                     Collection<String> secrets) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(secrets, "secrets");
        if (claimedSign == null || claimedSign.isEmpty() || secrets.isEmpty()) {
            return new Verification(Optional.empty(), List.of());
        }
        byte[] claimed = normalize(claimedSign);
        List<SignMethod> methods = methodsToTry(signMethodParam);
        List<SignatureBase> variants = variantsToTry(base);
        List<Attempt> attempts = new ArrayList<>(secrets.size() * methods.size() * variants.size());
        int secretIndex = 0;
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                secretIndex++;
                continue; // an empty secret signs nothing (HMAC refuses an empty key): it never matches
            }
            for (SignMethod method : methods) {
                for (SignatureBase variant : variants) {
                    String expected = method.sign(variant, secret);
                    boolean matched = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), claimed);
                    attempts.add(new Attempt(secretIndex, method, variant != base, expected, matched));
                    if (matched) {
                        return new Verification(Optional.of(new Match(method, variant != base)), attempts);
                    }
                }
            }
            secretIndex++;
        }
        return new Verification(Optional.empty(), attempts);
    }

    /** The claimed sign as compared: trimmed, hex case ignored. */
    private static byte[] normalize(String claimedSign) {
        return claimedSign.trim().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }

    /** The HMAC the request names, if any, then MD5 (which {@code SpiUtils} would check whatever is named). */
    public static List<SignMethod> methodsToTry(String signMethodParam) {
        Optional<SignMethod> named = SignMethod.fromWireName(signMethodParam);
        if (named.isPresent() && named.get() != SignMethod.MD5) {
            return List.of(named.get(), SignMethod.MD5);
        }
        return List.of(SignMethod.MD5);
    }

    /** The base as received, then — only when it has blank-valued pairs — without them (what TOP senders sign). */
    public static List<SignatureBase> variantsToTry(SignatureBase base) {
        return base.hasEmptyValues() ? List.of(base, base.withoutEmptyValues()) : List.of(base);
    }
}
