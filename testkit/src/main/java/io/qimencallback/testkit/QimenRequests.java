package io.qimencallback.testkit;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.internal.http.HeaderLookup;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.server.access.SourcePolicy;
import io.qimencallback.server.call.CallContext;
import io.qimencallback.server.call.CallVerifier;
import io.qimencallback.server.call.VerifiedCall;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.config.AppSecrets;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.route.Routes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Requests for plain unit tests of a handler, made the way the server makes them: the call is signed, sent through
 * the server's parsing and verification code in-process (signature, form-field, charset and body rules, as in
 * production), and handed over as the {@link QimenRequest} a handler would get.
 *
 * <pre>{@code
 * QimenRequest request = QimenRequests.call("deliveryorder.create").fixture().customerId("C1").build();
 * QimenAnswer answer = QimenResponses.answer(new WmsHandler().handle(request));
 * }</pre>
 */
public final class QimenRequests {
    // a throwaway app for the in-process signature: it never leaves this JVM
    private static final String APP_KEY = "10000001";
    private static final String SECRET = "testkit-in-process-" + Long.toHexString(System.nanoTime());
    private static final ServerConfig DEFAULTS = ServerConfig.builder().apps(AppSecrets.parse(APP_KEY + ":" + SECRET))
            .build();
    private static final CallVerifier VERIFIER = new CallVerifier(DEFAULTS::apps, DEFAULTS.timestampTolerance(),
            new SourcePolicy(List.of(), List.of()), Routes.of(HandlerRegistry.empty(), false, List.of()),
            Clock.systemUTC(), (call, failure) -> { });

    private QimenRequests() {
    }

    /**
     * A call of {@code method}, in any form the gateway uses ({@code taobao.qimen.deliveryorder.create} too).
     *
     * @param method e.g. {@code deliveryorder.create}
     * @return the call, to describe and {@link Builder#build()}
     */
    public static Builder call(String method) {
        return new Builder(method);
    }

    /** A call being described; {@link #build()} verifies it as the server would. */
    public static final class Builder extends CallSpec<Builder> {
        private Builder(String method) {
            super(method);
        }

        /**
         * The request a handler gets for this call: its call id, a deadline of the server's default handler
         * timeout, the caller {@code 127.0.0.1}.
         *
         * @return the verified request
         * @throws CallRefusedException when the server would answer the call itself instead (naming the code)
         */
        public QimenRequest build() {
            GatewayRequest signed = sign(APP_KEY, SECRET);
            Instant now = Instant.now();
            String query = signed.query();
            RawRequest raw = new RawRequest(signed.httpMethod(), query, headers(signed.headers()), signed.body(),
                    "127.0.0.1", now);
            CallContext ctx = new CallContext(raw, System.nanoTime());
            try {
                VerifiedCall call = VERIFIER.verify(ctx);
                // what CallProcessor checks before it calls a handler
                BodyParser.check(call.inbound().contentType().kind(), raw.body(), call.inbound().contentType().charset());
                return call.request(ctx.id(), now.plus(DEFAULTS.handlerTimeout()));
            } catch (QimenException e) {
                QimenResponse answer = e.toResponse();
                throw new CallRefusedException(answer.code(), answer.message());
            }
        }
    }

    private static HeaderLookup headers(Map<String, String> headers) {
        return name -> headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
