package io.qimencallback.server.inbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.server.admin.AdminRequest;
import io.qimencallback.server.admin.AdminResponse;
import io.qimencallback.server.admin.AdminRouter;
import io.qimencallback.server.admin.AdminRoutes;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The inbox on the admin port, for consumers that read entries instead of implementing an inbox handler:
 * <ul>
 *   <li>{@code GET /api/inbox?status=&method=&consumer=&since=&before=&limit=} — entries newest first, and counts by
 *   status; each says who it is for ({@code consumer}, {@link InboxConsumer}), and {@code consumerMissing} when this
 *   server does not have that consumer;</li>
 *   <li>{@code GET /api/inbox/{id}[?reveal=true]} — one entry with parameters and body (masked unless revealed);</li>
 *   <li>{@code POST /api/inbox/{id}/ack} — mark done (processed by the consumer);</li>
 *   <li>{@code POST /api/inbox/{id}/retry} — make a failed or dead entry due again, attempts from zero;</li>
 *   <li>{@code POST /api/inbox/{id}/replay} — deliver any entry again (done too), attempts from zero;</li>
 *   <li>{@code POST /api/inbox/retry-dead[?consumer=target:<name>]} — make every dead entry (for that consumer) due
 *   again, attempts from zero: {@code {"retried": n}}.</li>
 * </ul>
 * All run on the admin worker pool (they query the database), never on the event loop.
 */
public final class InboxRoutes implements AdminRoutes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_LIMIT = 1000;

    private final Supplier<Inbox> inboxes;
    private final Clock clock;

    /** @param inbox the inbox, once open (the routes are added while it is still opening) */
    public InboxRoutes(Supplier<Inbox> inbox, Clock clock) {
        this.inboxes = Objects.requireNonNull(inbox, "inbox");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void addTo(AdminRouter.Builder router) {
        router.get("/api/inbox", this::list)
                .post("/api/inbox/retry-dead", this::retryDead)
                .get("/api/inbox/*", this::detail)
                .post("/api/inbox/*/ack", r -> change(r, ManualChange.ACK))
                .post("/api/inbox/*/retry", r -> change(r, ManualChange.RETRY))
                .post("/api/inbox/*/replay", r -> change(r, ManualChange.REPLAY));
    }

    private AdminResponse list(AdminRequest r) throws SQLException {
        Inbox inbox = inboxes.get();
        InboxStore store = inbox.store();
        InboxQuery q;
        try {
            q = new InboxQuery(r.queryParam("status").filter(s -> !s.isBlank()).map(InboxStatus::parse).orElse(null),
                    r.queryParam("method").filter(s -> !s.isBlank()).orElse(null),
                    r.queryParam("consumer").map(InboxConsumer::parse).orElse(null),
                    r.queryParam("since").filter(s -> !s.isBlank()).map(Instant::parse).orElse(null),
                    r.queryParam("before").filter(s -> !s.isBlank()).map(Long::parseLong).orElse(0L),
                    r.intParam("limit", 50, 1, MAX_LIMIT));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return AdminResponse.error(400, e.getMessage());
        }
        ArrayNode entries = JSON.arrayNode();
        for (InboxEntry e : store.list(q)) {
            entries.add(withConsumer(inbox, InboxJson.summary(e, false), e));
        }
        ObjectNode out = JSON.objectNode();
        out.set("entries", entries);
        ObjectNode counts = out.putObject("counts");
        for (Map.Entry<InboxStatus, Long> c : store.counts().entrySet()) {
            counts.put(c.getKey().dbName(), c.getValue());
        }
        out.put("store", store.description());
        return AdminResponse.json(out);
    }

    /**
     * Flags an entry whose consumer this server does not have ({@code "consumerMissing": true}; absent otherwise, so
     * that an entry reads the same as in {@code inbox list --json}): it stays pending (a target was removed).
     */
    private static ObjectNode withConsumer(Inbox inbox, ObjectNode json, InboxEntry e) {
        if (e.consumer() != null && !e.consumer().isEmpty() && !inbox.delivers(e.consumer(), e.method())) {
            json.put("consumerMissing", true);
        }
        return json;
    }

    private AdminResponse detail(AdminRequest r) throws SQLException {
        Inbox inbox = inboxes.get();
        InboxStore store = inbox.store();
        Optional<Long> id = id(r);
        Optional<InboxEntry> e = id.isEmpty() ? Optional.empty() : store.get(id.get());
        if (e.isEmpty()) {
            return AdminResponse.error(404, "no inbox entry " + r.pathParam(0));
        }
        return AdminResponse.json(withConsumer(inbox,
                InboxJson.detail(e.get(), r.queryParam("reveal").filter("true"::equals).isPresent()), e.get()));
    }

    private AdminResponse change(AdminRequest r, ManualChange action) throws SQLException {
        InboxStore store = inboxes.get().store();
        Optional<Long> id = id(r);
        if (id.isEmpty()) {
            return AdminResponse.error(404, "no inbox entry " + r.pathParam(0));
        }
        InboxStore.Change c = action.apply(store, id.get(), clock.instant());
        return switch (c) {
            case NOT_FOUND -> AdminResponse.error(404, "no inbox entry " + id.get());
            case CONFLICT -> AdminResponse.error(409, "entry " + id.get() + " is "
                    + store.get(id.get()).map(e -> e.status().dbName()).orElse("gone") + ": " + action.refusal());
            case CHANGED -> AdminResponse.json(JSON.objectNode().put("id", id.get())
                    .put("status", action.result().dbName()));
        };
    }

    private AdminResponse retryDead(AdminRequest r) throws SQLException {
        String consumer = r.queryParam("consumer").map(InboxConsumer::parse).orElse(null);
        int n = ManualChange.retryDead(inboxes.get().store(), consumer, clock.instant());
        return AdminResponse.json(JSON.objectNode().put("retried", n));
    }

    private static Optional<Long> id(AdminRequest r) {
        try {
            return Optional.of(Long.parseLong(r.pathParam(0)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
