package io.qimencallback.server.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.InboundCall;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's default for verified calls that no synchronous handler answers: store them durably, answer
 * {@code success} only once stored, and deliver them to inbox handlers (or leave them to the admin API) afterwards.
 */
public final class Inbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Inbox.class);

    private final InboxStore store;
    private final HandlerRegistry handlers;
    private final MethodGlobs accepted;
    private final BusinessKeys keys;
    private final InboxMetrics metrics;
    private final InboxDispatcher dispatcher;

    private Inbox(InboxConfig config, InboxStore store, HandlerRegistry handlers, MeterRegistry registry,
                  Duration deliveryTimeout, Clock clock) {
        this.store = store;
        this.handlers = handlers;
        this.accepted = new MethodGlobs(config.methods());
        this.keys = new BusinessKeys(config.keyFields());
        this.metrics = new InboxMetrics(registry, store);
        this.dispatcher = new InboxDispatcher(store, handlers, config, deliveryTimeout, metrics, clock);
    }

    /**
     * Opens the store named by the configuration and starts delivering to the registry's inbox handlers.
     *
     * @throws IllegalStateException when the store cannot be opened (the server must not start: it would answer
     *                               calls it cannot keep)
     */
    public static Inbox start(InboxConfig config, HandlerRegistry handlers, MeterRegistry registry,
                              Duration deliveryTimeout, Clock clock) {
        Objects.requireNonNull(config, "config");
        InboxStore store = InboxStore.open(config);
        Inbox inbox = new Inbox(config, store, handlers, registry, deliveryTimeout, clock);
        try {
            inbox.dispatcher.start();
        } catch (RuntimeException e) {
            inbox.close();
            throw e;
        }
        log.info("inbox: {}; accepting {}; delivering {} to inbox handlers", config.where(), config.methods(),
                handlers.inboxMethods().isEmpty() ? "nothing" : handlers.inboxMethods());
        return inbox;
    }

    /** Whether the inbox takes calls of this normalized method: configured, or consumed by an inbox handler. */
    public boolean accepts(String normalizedMethod) {
        return accepted.matches(normalizedMethod) || handlers.findInbox(normalizedMethod).isPresent();
    }

    /**
     * Stores a verified call (or finds it stored already) and answers it. The answer names the entry, so that a
     * redelivery gets the first answer again.
     *
     * @param call         the verified call
     * @param method       its normalized method
     * @param signedParams the parameters the signature covered; stored without {@code sign}
     * @param tree         the parsed body (or the form fields), searched for the business key
     * @param client       the caller's address
     * @param format       the response format in use
     * @return completes on the inbox's writer thread once the call is committed (with the answer naming its
     *         entry), or exceptionally (an {@link SQLException}) when it is not: the caller must not be told success
     */
    public java.util.concurrent.CompletableFuture<QimenResponse> recordAsync(InboundCall call, String method,
            Map<String, String> signedParams, JsonNode tree, String client, ResponseFormat format) {
        Map<String, String> params = new LinkedHashMap<>(signedParams);
        params.remove(SystemParams.SIGN);
        byte[] body = call.raw().body();
        // a form body's fields are among the parameters; its bytes also hold the timestamp, which a retry changes
        boolean form = call.contentType().kind() == ContentKind.FORM;
        byte[] content = form ? new byte[0] : body;
        String key = keys.keyFor(method, params, tree, content);
        NewEntry entry = new NewEntry(call.raw().receivedAt(), call.param(SystemParams.METHOD), method,
                call.param(SystemParams.APP_KEY), call.param(SystemParams.CUSTOMER_ID), format.name().toLowerCase(Locale.ROOT),
                params, call.contentType().header(), body, client, key, BusinessKeys.contentHash(params, content));
        long start = System.nanoTime();
        return store.appendAsync(entry).handle((appended, failure) -> {
            if (failure != null) {
                metrics.appendFailed();
                throw failure instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(failure);
            }
            return answer(method, appended, System.nanoTime() - start);
        });
    }

    private QimenResponse answer(String method, Appended appended, long nanos) {
        metrics.appended(nanos, appended.duplicate());
        if (!appended.sameContent()) {
            metrics.keyConflict();
            log.warn("inbox: a {} call with the business key of entry {} has different content; the entry keeps the"
                    + " first (see qimen_inbox_key_conflicts_total)", method, appended.id());
        }
        if (!appended.duplicate()) {
            dispatcher.nudge();
        }
        return QimenResponse.success("stored as inbox entry " + appended.id());
    }

    /** Whether appends succeed (see {@link InboxStore#healthy()}); readiness follows it. */
    public boolean healthy() {
        return store.healthy();
    }

    public InboxStore store() {
        return store;
    }

    /** Stops delivering (deliveries in progress are interrupted and delivered again later), then closes the store. */
    @Override
    public void close() {
        dispatcher.close();
        store.close();
    }
}
