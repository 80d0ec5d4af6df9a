package io.qimencallback.protocol.sign;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
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

    public static Optional<Match> verify(SignatureBase base, String claimedSign, String signMethodParam,
                                         Collection<String> secrets) {
        if (claimedSign == null || claimedSign.isEmpty() || secrets.isEmpty()) {
            return Optional.empty();
        }
        byte[] claimed = claimedSign.trim().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        List<SignMethod> methods = methodsToTry(signMethodParam);
        List<SignatureBase> variants = new ArrayList<>(2);
        variants.add(base);
        if (base.hasEmptyValues()) {
            variants.add(base.withoutEmptyValues());
        }
        for (String secret : secrets) {
            for (SignMethod method : methods) {
                for (SignatureBase variant : variants) {
                    byte[] expected = method.sign(variant, secret).getBytes(StandardCharsets.US_ASCII);
                    if (MessageDigest.isEqual(expected, claimed)) {
                        return Optional.of(new Match(method, variant != base));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The HMAC the request names, if any, then MD5 (which {@code SpiUtils} would check whatever is named). */
    public static List<SignMethod> methodsToTry(String signMethodParam) {
        Optional<SignMethod> named = SignMethod.fromWireName(signMethodParam);
        if (named.isPresent() && named.get() != SignMethod.MD5) {
            return List.of(named.get(), SignMethod.MD5);
        }
        return List.of(SignMethod.MD5);
    }
}
