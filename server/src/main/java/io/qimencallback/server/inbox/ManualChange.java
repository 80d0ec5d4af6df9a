package io.qimencallback.server.inbox;

import java.sql.SQLException;
import java.time.Instant;

/** What a person may do to an entry by hand: one rule for the admin API and the command line. */
public enum ManualChange {
    /** The consumer has processed it: {@code done}. */
    ACK(InboxStatus.DONE, "only new, failed or dead entries can be acknowledged"),
    /** Deliver it again, attempts from zero: {@code new}. */
    RETRY(InboxStatus.NEW, "only failed or dead entries can be retried");

    private final InboxStatus result;
    private final String refusal;

    ManualChange(InboxStatus result, String refusal) {
        this.result = result;
        this.refusal = refusal;
    }

    public InboxStore.Change apply(InboxStore store, long id, Instant now) throws SQLException {
        return this == ACK ? store.acknowledge(id, now) : store.retry(id, now);
    }

    /** The entry's status once changed. */
    public InboxStatus result() {
        return result;
    }

    /** Why an entry in another status is left as it is. */
    public String refusal() {
        return refusal;
    }
}
