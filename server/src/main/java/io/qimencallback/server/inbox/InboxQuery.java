package io.qimencallback.server.inbox;

import java.time.Instant;

/**
 * Which entries to list, newest first.
 *
 * @param status   {@code null}: any
 * @param method   normalized method, {@code null}: any
 * @param consumer who the entries are for ({@link InboxConsumer}), {@code null}: anyone
 * @param since    entries received at or after, {@code null}: any
 * @param beforeId only entries with a smaller id (paging), 0: no bound
 * @param limit    at most this many; 0: no limit (export)
 */
public record InboxQuery(InboxStatus status, String method, String consumer, Instant since, long beforeId, int limit) {
    public static InboxQuery all() {
        return new InboxQuery(null, null, null, null, 0, 0);
    }
}
