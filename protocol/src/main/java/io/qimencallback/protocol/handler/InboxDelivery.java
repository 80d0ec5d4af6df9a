package io.qimencallback.protocol.handler;

import io.qimencallback.protocol.QimenRequest;
import java.util.Objects;

/**
 * One delivery of a stored call to an {@link InboxHandler}.
 *
 * @param entryId     the inbox entry, the same on every delivery of this call
 * @param attempt     1 on the first delivery, then 2, 3, ...
 * @param businessKey what makes the call unique for its method and customerId (a document code, or a content hash)
 * @param request     the call as it was verified: signed parameters (without {@code sign}) and the exact body
 */
public record InboxDelivery(long entryId, int attempt, String businessKey, QimenRequest request) {
    /**
     * Checks the references.
     *
     * @param entryId     the inbox entry
     * @param attempt     the delivery's number, from 1
     * @param businessKey what makes the call unique
     * @param request     the call as it was verified
     */
    public InboxDelivery {
        Objects.requireNonNull(businessKey, "businessKey");
        Objects.requireNonNull(request, "request");
    }
}
