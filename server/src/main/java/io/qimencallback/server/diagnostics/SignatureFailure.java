package io.qimencallback.server.diagnostics;

import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.sign.SignatureVerifier;
import java.util.List;
import java.util.Objects;

/**
 * A call refused with {@code sign-check-failure}, as the processor saw it. Only references: what is kept of it is
 * decided (and bounded) by {@link SignatureDiagnostics#record}.
 *
 * @param remote       the caller's address
 * @param secrets      the secrets that were tried, in order (never kept)
 * @param verification what the verifier computed
 */
public record SignatureFailure(InboundCall call, String remote, List<String> secrets,
                               SignatureVerifier.Verification verification) {
    public SignatureFailure {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(verification, "verification");
    }
}
