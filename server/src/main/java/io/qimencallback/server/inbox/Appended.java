package io.qimencallback.server.inbox;

import java.time.Instant;

/**
 * The outcome of storing a call: the entry that holds it, and whether it was there already (a redelivery).
 *
 * @param received      when the entry was first stored: a redelivery gets the first answer again
 * @param sameContent   for a duplicate, whether its content is the stored one's (else the first content is kept)
 */
public record Appended(long id, boolean duplicate, Instant received, boolean sameContent) {
}
