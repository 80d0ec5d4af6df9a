package io.qimencallback.server.inbox;

import java.util.Locale;

/** Where an inbox entry stands. Stored as its lower-case name. */
public enum InboxStatus {
    /** Stored, waiting for delivery (or for a consumer of the admin API). */
    NEW,
    /** Claimed by a delivery thread of one server; released when the lease runs out. */
    PROCESSING,
    /** Delivered, or acknowledged through the admin API. */
    DONE,
    /** The last delivery failed; retried at {@code next_attempt_at}. */
    FAILED,
    /** Attempts used up; waits for a manual retry. */
    DEAD;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InboxStatus parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown status '" + s + "' (new, processing, done, failed, dead)");
        }
    }
}
