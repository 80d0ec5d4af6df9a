package io.qimencallback.server.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.MethodNames;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.SystemParams;
import io.qimencallback.protocol.body.BodyParser;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.protocol.http.ContentKind;
import io.qimencallback.protocol.http.InboundCall;
import io.qimencallback.protocol.sign.SignatureBase;
import io.qimencallback.protocol.sign.SignatureVerifier;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.inbox.Inbox;
import io.qimencallback.server.diagnostics.SignatureFailure;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of a call, in order — required parameters, signature, timestamp window, source allow-list, method,
 * body — and then its handler, or the inbox. Runs on a worker thread; never throws; every outcome is a {@link QimenResponse}.
 */
public final class CallProcessor {
    private static final Logger log = LoggerFactory.getLogger(CallProcessor.class);

    /** Read once per call: the secrets may be replaced at runtime (SIGHUP). */
    private final Supplier<AppSecrets> apps;
    private final Duration tolerance;
    private final SourcePolicy sources;
    private final HandlerRegistry handlers;
    private final Clock clock;
    private final CallListener listener;
    private final Supplier<Inbox> inbox;

    /** What the processor tells the outside about a call, for metrics and diagnostics. */
    public interface CallListener {
        /** Called on the worker before the failure is answered: keep it quick, never throw. */
        void signatureFailed(CallContext call, SignatureFailure failure);
    }

    /** @param inbox where calls without a synchronous handler go; gives {@code null} when off: they answer invalid-method */
    public CallProcessor(Supplier<AppSecrets> apps, Duration tolerance, SourcePolicy sources, HandlerRegistry handlers,
                         Supplier<Inbox> inbox, Clock clock, CallListener listener) {
        this.apps = Objects.requireNonNull(apps, "apps");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
    }

    public QimenResponse process(CallContext ctx) {
        try {
            return check(ctx);
        } catch (QimenException e) {
            return e.toResponse();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT);
        } catch (Throwable t) {
            return systemError(ctx, t);
        }
    }

    private QimenResponse check(CallContext ctx) throws Exception {
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

        checkTimestamp(call.param(SystemParams.TIMESTAMP));

        String client = client(ctx);
        if (!sources.allows(client)) {
            throw new QimenException(ErrorCode.IP_NOT_ALLOWED, "source address " + client + " is not allowed");
        }
        if (apps.get().refuses(client)) { // the demo credentials, from beyond loopback (they never change at runtime)
            throw new QimenException(ErrorCode.IP_NOT_ALLOWED, AppSecrets.LOOPBACK_ONLY);
        }

        String normalized = MethodNames.normalize(method);
        Optional<QimenHandler> handler = handlers.find(normalized);
        Inbox box = inbox.get();
        boolean toInbox = handler.isEmpty() && box != null && box.accepts(normalized);
        if (handler.isEmpty() && !toInbox) {
            throw new QimenException(ErrorCode.INVALID_METHOD, "no handler for method " + normalized);
        }
        ctx.handled(normalized, client);

        // handlers see only what the signature covered: form fields as verified, never re-read from the raw body
        JsonNode tree = call.contentType().kind() == ContentKind.FORM
                ? formTree(blankPairsUnsigned ? SignatureBase.withoutBlankPairs(call.formFields()) : call.formFields())
                : BodyParser.parse(call.contentType().kind(), ctx.raw().body(), call.contentType().charset());
        Map<String, String> signed = call.signedParams(blankPairsUnsigned);
        if (toInbox) {
            return box.record(call, normalized, signed, tree, client, ctx.format());
        }
        QimenRequest request = QimenRequest.of(call, signed, tree, client);
        QimenResponse response = handler.get().handle(request);
        if (response == null) {
            throw new IllegalStateException(handler.get().getClass().getName() + " returned no response");
        }
        return response;
    }

    /** The caller: the TCP peer, or the right-most untrusted X-Forwarded-For address behind a trusted proxy. */
    private String client(CallContext ctx) {
        return sources.clientAddress(ctx.raw().peerAddress(),
                String.join(",", ctx.raw().headers().getAll("X-Forwarded-For")));
    }

    private static ObjectNode formTree(Map<String, String> fields) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        fields.forEach(node::put);
        return node;
    }

    private void checkTimestamp(String timestamp) throws QimenException {
        if (tolerance.isZero()) {
            return;
        }
        Instant sent;
        try {
            sent = QimenTime.parse(timestamp);
        } catch (DateTimeException | NumberFormatException e) {
            throw new QimenException(ErrorCode.INVALID_TIMESTAMP,
                    "timestamp is not yyyy-MM-dd HH:mm:ss (GMT+8)");
        }
        Duration skew = Duration.between(sent, clock.instant());
        if (skew.abs().compareTo(tolerance) > 0) {
            throw new QimenException(ErrorCode.INVALID_TIMESTAMP, "timestamp is " + Math.abs(skew.toSeconds())
                    + " s " + (skew.isNegative() ? "ahead of" : "behind") + " the server clock; accepted: "
                    + tolerance.toMinutes() + " min either way");
        }
    }

    /** The caller gets an id; the log gets the same id and the stack trace (without messages: see {@link Redacted}). */
    private static QimenResponse systemError(CallContext ctx, Throwable t) {
        String id = ErrorIds.next();
        log.error("system-error id={} method={}", id, LogSafe.value(ctx.method()), Redacted.of(t));
        return QimenResponse.failure(ErrorCode.SYSTEM_ERROR, "internal error, id " + id);
    }
}
