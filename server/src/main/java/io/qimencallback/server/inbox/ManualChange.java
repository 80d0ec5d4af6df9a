package io.qimencallback.server.inbox;

import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a person may do to an entry by hand: one rule for the admin API and the command line. */
public enum ManualChange {
    /** The consumer has processed it: {@code done}. */
    ACK(InboxStatus.DONE, "only new, failed or dead entries can be acknowledged"),
    /** Deliver it again, attempts from zero: {@code new}. */
    RETRY(InboxStatus.NEW, "only failed or dead entries can be retried"),
    /** Deliver it again whatever its status (done too), attempts from zero: {@code new}; not one being delivered. */
    REPLAY(InboxStatus.NEW, "it is being delivered now; replay it once that delivery has ended");

    private static final Logger log = LoggerFactory.getLogger(ManualChange.class);

    private final InboxStatus result;
    private final String refusal;

    ManualChange(InboxStatus result, String refusal) {
        this.result = result;
        this.refusal = refusal;
    }

    public InboxStore.Change apply(InboxStore store, long id, Instant now) throws SQLException {
        InboxStore.Change c = switch (this) {
            case ACK -> store.acknowledge(id, now);
            case RETRY -> store.retry(id, now);
            case REPLAY -> store.replay(id, now);
        };
        if (this == REPLAY && c == InboxStore.Change.CHANGED) {
            log.info("inbox: entry {} replayed by hand: due for delivery again", id); // the id, never the content
        }
        return c;
    }

    /**
     * Every dead entry due again, attempts from zero (a batch dead-lettered by an outage, once its cause is fixed);
     * only those for {@code consumer} ({@link InboxConsumer}) unless it is {@code null}. How many.
     */
    public static int retryDead(InboxStore store, String consumer, Instant now) throws SQLException {
        int n = store.retryDead(consumer, now);
        if (n > 0) {
            log.info("inbox: {} dead entr(ies){} retried by hand: due for delivery again", n,
                    consumer == null ? "" : " for the " + InboxConsumer.describe(consumer));
        }
        return n;
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
