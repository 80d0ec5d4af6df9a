package io.qimencallback.server.inbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A verified call about to be stored. {@code params} keeps its order (the gateway's), without {@code sign};
 * {@code contentHash} tells a true redelivery from a different call under the same business key; {@code consumer} is who
 * it is for ({@link InboxConsumer}); {@code callId} the call's id (the access log's and the console's), handed to the
 * consumer with the entry.
 */
public record NewEntry(Instant received, String rawMethod, String method, String appKey, String customerId,
                       String format, Map<String, String> params, String contentType, byte[] body, String remote,
                       String businessKey, String contentHash, String consumer, String callId) {
    public NewEntry {
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(rawMethod, "rawMethod");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(appKey, "appKey");
        customerId = customerId == null ? "" : customerId;
        format = format == null ? "" : format;
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        body = body.clone();
        Objects.requireNonNull(businessKey, "businessKey");
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(callId, "callId");
    }
}
