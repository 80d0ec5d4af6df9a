package io.qimencallback.server.call;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.MethodNames;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.sign.SignatureVerifier;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.diagnostics.SignatureFailure;
import io.qimencallback.server.route.Route;
import io.qimencallback.server.route.Routes;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The checks of a call, in order — required parameters, signature, timestamp window, source allow-list — and its
 * route. Pure computation (a hash over the body, map lookups): safe on the event loop.
 */
public final class CallVerifier {
    /** How long a call is remembered against replays when the timestamp is not checked (tolerance 0). */
    static final Duration UNCHECKED_REPLAY_WINDOW = Duration.ofMinutes(10);

    /** Read once per call: the secrets may be replaced at runtime (SIGHUP). */
    private final Supplier<AppSecrets> apps;
    private final Duration tolerance;
    private final SourcePolicy sources;
    private final Routes routes;
    private final Clock clock;
    private final CallListener listener;

    /** What verification tells the outside about a call, for metrics and diagnostics. */
    public interface CallListener {
        /** Called before the failure is answered, possibly on the event loop: keep it quick, never throw. */
        void signatureFailed(CallContext call, SignatureFailure failure);
    }

    public CallVerifier(Supplier<AppSecrets> apps, Duration tolerance, SourcePolicy sources, Routes routes, Clock clock,
                        CallListener listener) {
        this.apps = Objects.requireNonNull(apps, "apps");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** @throws QimenException the failure to answer */
    public VerifiedCall verify(CallContext ctx) throws QimenException {
        InboundCall call = InboundCall.parse(ctx.raw());
        String method = call.param(SystemParams.METHOD);
        String appKey = call.param(SystemParams.APP_KEY);
        ctx.learn(ResponseFormat.choose(call.param(SystemParams.FORMAT), call.contentType().kind()), method, appKey,
                call.param(SystemParams.CUSTOMER_ID));

        List<String> missing = new ArrayList<>();
        for (String p : SystemParams.REQUIRED) {
            String v = p.equals(SystemParams.SIGN) ? call.sign() : call.param(p);
            if (v == null || v.isBlank()) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw new QimenException(ErrorCode.MISSING_PARAMETER, "missing required parameter: " + String.join(", ", missing));
        }

        List<String> secrets = apps.get().secretsFor(appKey);
        SignatureVerifier.Verification verification = SignatureVerifier.check(call.signatureBase(), call.sign(),
                call.param(SystemParams.SIGN_METHOD), secrets);
        Optional<SignatureVerifier.Match> match = verification.match();
        if (match.isEmpty()) {
            listener.signatureFailed(ctx, new SignatureFailure(call, client(ctx), secrets, verification));
            throw new QimenException(ErrorCode.SIGN_CHECK_FAILURE);
        }
        boolean blankPairsUnsigned = match.get().emptyValuesDropped();

        Instant replayExpiry = checkTimestamp(call.param(SystemParams.TIMESTAMP));

        String client = client(ctx);
        if (!sources.allows(client)) {
            throw new QimenException(ErrorCode.IP_NOT_ALLOWED, "source address " + client + " is not allowed");
        }
        if (apps.get().refuses(client)) { // the demo credentials, from beyond loopback (they never change at runtime)
            throw new QimenException(ErrorCode.IP_NOT_ALLOWED, AppSecrets.LOOPBACK_ONLY);
        }

        String normalized = MethodNames.normalize(method);
        Route route = routes.route(normalized);
        ctx.handled(route, client);
        return new VerifiedCall(call, normalized, call.signedParams(blankPairsUnsigned), blankPairsUnsigned, client,
                route, replayExpiry);
    }

    /** The caller: the TCP peer, or the right-most untrusted X-Forwarded-For address behind a trusted proxy. */
    private String client(CallContext ctx) {
        return sources.clientAddress(ctx.raw().peerAddress(),
                String.join(",", ctx.raw().headers().getAll("X-Forwarded-For")));
    }

    /** @return until when a replay of this call would pass this check */
    private Instant checkTimestamp(String timestamp) throws QimenException {
        Instant now = clock.instant();
        if (tolerance.isZero()) {
            return now.plus(UNCHECKED_REPLAY_WINDOW);
        }
        Instant sent;
        try {
            sent = QimenTime.parse(timestamp);
        } catch (DateTimeException | NumberFormatException e) {
            throw new QimenException(ErrorCode.INVALID_TIMESTAMP,
                    "timestamp is not yyyy-MM-dd HH:mm:ss (GMT+8)");
        }
        Duration skew = Duration.between(sent, now);
        if (skew.abs().compareTo(tolerance) > 0) {
            throw new QimenException(ErrorCode.INVALID_TIMESTAMP, "timestamp is " + Math.abs(skew.toSeconds())
                    + " s " + (skew.isNegative() ? "ahead of" : "behind") + " the server clock; accepted: "
                    + tolerance.toMinutes() + " min either way");
        }
        return sent.plus(tolerance);
    }
}
