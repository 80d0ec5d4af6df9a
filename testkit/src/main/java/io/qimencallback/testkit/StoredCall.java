package io.qimencallback.testkit;

import java.util.Map;
import java.util.Objects;

/**
 * A call the test server stored in its inbox, as the inbox API shows it (unmasked: test data).
 *
 * @param id          the entry id ({@code stored as inbox entry N})
 * @param method      the normalized method
 * @param rawMethod   the method as sent
 * @param appKey      the caller's app key
 * @param customerId  the {@code customerId} parameter, or {@code null}
 * @param businessKey the idempotency key (the document code for the ERP–WMS APIs)
 * @param status      {@code new}, {@code processing}, {@code done}, {@code failed} or {@code dead}
 * @param attempts    delivery attempts so far
 * @param params      the signed parameters, {@code sign} left out
 * @param body        the body as received, decoded in its charset
 */
public record StoredCall(long id, String method, String rawMethod, String appKey, String customerId,
                         String businessKey, String status, int attempts, Map<String, String> params, String body) {
    /**
     * Checks the required components and copies the parameters.
     *
     * @param id          the entry id
     * @param method      the normalized method
     * @param rawMethod   the method as sent
     * @param appKey      the caller's app key
     * @param customerId  the {@code customerId} parameter, or {@code null}
     * @param businessKey the idempotency key
     * @param status      the entry's status
     * @param attempts    delivery attempts so far
     * @param params      the signed parameters
     * @param body        the body as received
     */
    public StoredCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(status, "status");
        params = Map.copyOf(params);
        Objects.requireNonNull(body, "body");
    }
}
