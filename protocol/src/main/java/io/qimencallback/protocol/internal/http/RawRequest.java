package io.qimencallback.protocol.internal.http;

import java.time.Instant;
import java.util.Objects;

/**
 * An HTTP request as it came off the wire, before anything is decoded: what the signature is computed over.
 *
 * @param httpMethod    {@code POST} or {@code GET}
 * @param rawQuery      the query string exactly as received, without {@code ?}; empty when none
 * @param headers       header access
 * @param body          the body bytes (the request owns this array; nothing else writes to it)
 * @param peerAddress   the address of the TCP peer (not yet resolved through trusted proxies)
 * @param receivedAt    when the request was complete
 */
public record RawRequest(String httpMethod, String rawQuery, HeaderLookup headers, byte[] body, String peerAddress,
                         Instant receivedAt) {
    public RawRequest {
        Objects.requireNonNull(httpMethod, "httpMethod");
        Objects.requireNonNull(rawQuery, "rawQuery");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(peerAddress, "peerAddress");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
