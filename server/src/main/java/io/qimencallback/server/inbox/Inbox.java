package io.qimencallback.server.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.server.route.Route;
import io.qimencallback.server.route.Routes;
import io.qimencallback.server.target.Targets;
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
 * Where the route table sends calls to be stored: store them durably, answer {@code success} only once stored, and
 * deliver them afterwards to their consumer ({@link InboxConsumer}: a target, an inbox handler) or leave them to the
 * admin API.
 */
public final class Inbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Inbox.class);

    private final InboxStore store;
    private final HandlerRegistry handlers;
    private final BusinessKeys keys;
    private final InboxMetrics metrics;
    private final InboxDispatcher dispatcher;

    private Inbox(InboxConfig config, InboxStore store, Routes routes, HandlerRegistry handlers, Targets targets,
                  MeterRegistry registry, Duration deliveryTimeout, Clock clock) {
        this.store = store;
        this.handlers = handlers;
        this.keys = new BusinessKeys(config.keyFields());
        this.metrics = new InboxMetrics(registry, store);
        this.dispatcher = new InboxDispatcher(store, handlers, targets, routes, config, deliveryTimeout, metrics, clock);
    }

    /**
     * Opens the store named by the configuration and starts delivering to the targets and the registry's inbox
     * handlers.
     *
     * @param routes  the route table (entries stored by a version before consumers were recorded go where it says)
     * @param targets the targets entries may be for
     * @throws IllegalStateException when the store cannot be opened (the server must not start: it would answer
     *                               calls it cannot keep)
     */
    public static Inbox start(InboxConfig config, Routes routes, HandlerRegistry handlers, Targets targets,
                              MeterRegistry registry, Duration deliveryTimeout, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(targets, "targets");
        InboxStore store = InboxStore.open(config);
        Inbox inbox = new Inbox(config, store, routes, handlers, targets, registry, deliveryTimeout, clock);
        try {
            inbox.dispatcher.start();
        } catch (RuntimeException e) {
            inbox.close();
            throw e;
        }
        log.info("inbox: {}; accepting {} (and what the routes table sends); delivering {} to inbox handlers{}",
                config.where(), config.methods(), handlers.inboxMethods().isEmpty() ? "nothing" : handlers.inboxMethods(),
                targets.all().isEmpty() ? "" : ", entries for targets to " + targets.all().stream()
                        .map(t -> t.name()).sorted().toList());
        return inbox;
    }

    /**
     * Stores a verified call (or finds it stored already) and answers it. The answer names the entry, so that a
     * redelivery gets the first answer again.
     *
     * @param call         the verified call
     * @param callId       its id (the access log's and the console's), given to its consumer with the entry
     * @param method       its normalized method
     * @param route        its route: who the entry is for ({@link InboxConsumer#of})
     * @param signedParams the parameters the signature covered; stored without {@code sign}
     * @param tree         the parsed body (or the form fields), searched for the business key
     * @param client       the caller's address
     * @param format       the response format in use
     * @return completes on the inbox's writer thread once the call is committed (with the answer naming its
     *         entry), or exceptionally (an {@link SQLException}) when it is not: the caller must not be told success
     */
    public java.util.concurrent.CompletableFuture<QimenResponse> recordAsync(InboundCall call, String callId,
            String method, Route.Inbox route, Map<String, String> signedParams, JsonNode tree, String client, ResponseFormat format) {
        Map<String, String> params = new LinkedHashMap<>(signedParams);
        params.remove(SystemParams.SIGN);
        byte[] body = call.raw().body();
        // a form body's fields are among the parameters; its bytes also hold the timestamp, which a retry changes
        boolean form = call.contentType().kind() == ContentKind.FORM;
        byte[] content = form ? new byte[0] : body;
        String key = keys.keyFor(method, params, tree, content);
        NewEntry entry = new NewEntry(call.raw().receivedAt(), call.param(SystemParams.METHOD), method,
                call.param(SystemParams.APP_KEY), call.param(SystemParams.CUSTOMER_ID), format.name().toLowerCase(Locale.ROOT),
                params, call.contentType().header(), body, client, key, BusinessKeys.contentHash(params, content),
                InboxConsumer.of(route, handlers, method), callId);
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

    /**
     * Whether this server delivers entries for that consumer and method; false for the inbox API's entries and for
     * a consumer it does not have (its entries stay pending).
     */
    public boolean delivers(String consumer, String method) {
        return consumer != null && !consumer.isEmpty() && dispatcher.serves(consumer, method);
    }

    /** Stops delivering (deliveries in progress are interrupted and delivered again later), then closes the store. */
    @Override
    public void close() {
        dispatcher.close();
        store.close();
    }
}
