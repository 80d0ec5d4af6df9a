package io.qimencallback.server.inbox;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A stored call: what was received (parameters without {@code sign}, the exact body bytes), who it is for
 * ({@code consumer}: {@link InboxConsumer}; {@code null} when stored by a version before the column, until a server
 * assigns it), the call's id ({@code callId}; {@code null} when stored by a version before the column), where its
 * delivery stands and where the last successful one went ({@code deliveredTo}, as the consumer said; {@code null}
 * until then). Immutable.
 */
public record InboxEntry(long id, Instant received, String rawMethod, String method, String appKey,
                         String customerId, String format, Map<String, String> params, String contentType, byte[] body,
                         String remote, String businessKey, InboxStatus status, int attempts, String lastError,
                         Instant nextAttemptAt, Instant updated, String consumer, String callId,
                         String deliveredTo) {
    public InboxEntry {
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(method, "method");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        body = body.clone();
        Objects.requireNonNull(status, "status");
    }

    /** The id the consumer gets as the request's {@code callId}: the call's, or {@code inbox-<id>} for an old entry. */
    public String deliveryCallId() {
        return callId == null || callId.isEmpty() ? "inbox-" + id : callId;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public String toString() {
        // no parameters or body: they may carry personal data
        return "InboxEntry[" + id + ", " + method + ", " + status + ", attempts=" + attempts + ", consumer=" + consumer + "]";
    }
}
