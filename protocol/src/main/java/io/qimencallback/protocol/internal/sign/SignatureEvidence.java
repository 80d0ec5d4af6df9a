package io.qimencallback.protocol.internal.sign;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a signature check of one request looked at: the base, where each parameter came from, how long the body was
 * (signed or not), and what the caller claimed.
 *
 * @param sources    parameter name to source, {@code sign} included; names missing here are shown as of unknown source
 * @param bodyLength the body's length in bytes, also for form posts, whose body is not itself signed
 * @param signMethod the {@code sign_method} parameter, or {@code null}
 * @param receivedSign the claimed sign, or {@code null}
 */
public record SignatureEvidence(SignatureBase base, Map<String, ParamSource> sources, int bodyLength,
                                String receivedSign, String signMethod) {
    public SignatureEvidence {
        Objects.requireNonNull(base, "base");
        sources = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(sources, "sources")));
    }
}
