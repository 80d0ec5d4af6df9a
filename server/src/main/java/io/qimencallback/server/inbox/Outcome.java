package io.qimencallback.server.inbox;

import java.time.Instant;
import java.util.Objects;

/**
 * What a delivery decided for the entry it claimed: delivered, failed (again later, or dead), or its consumer could
 * not be reached. Each is one guarded UPDATE: it changes the row only while the claim that made the delivery still
 * holds it ({@code status = 'processing' AND locked_by = claimToken}).
 */
record Outcome(long id, String claimToken, String sql, Object[] args) {
    private static final String GUARD = ", locked_by = NULL, locked_until = NULL, updated_at = ?"
            + " WHERE id = ? AND status = 'processing' AND locked_by = ?";

    Outcome {
        Objects.requireNonNull(claimToken, "claimToken");
        args = args.clone();
    }

    @Override
    public Object[] args() {
        return args.clone();
    }

    /** Delivered, keeping where it went ({@code deliveredTo}, as the consumer said). */
    static Outcome done(long id, String claimToken, String deliveredTo, Instant now) {
        return new Outcome(id, claimToken, "UPDATE qimen_inbox SET status = 'done', last_error = NULL, delivered_to = ?"
                + GUARD, new Object[]{InboxStore.storable(Objects.requireNonNull(deliveredTo, "deliveredTo")),
                now.toEpochMilli(), id, claimToken});
    }

    /** The consumer could not be reached: due again at {@code nextAttempt}, with the attempt its claim counted back. */
    static Outcome unavailable(long id, String claimToken, String error, Instant nextAttempt, Instant now) {
        return new Outcome(id, claimToken, "UPDATE qimen_inbox SET status = 'failed', attempts = CASE WHEN attempts > 0"
                + " THEN attempts - 1 ELSE 0 END, last_error = ?, next_attempt_at = ?" + GUARD,
                new Object[]{InboxStore.storable(error), nextAttempt.toEpochMilli(), now.toEpochMilli(), id, claimToken});
    }

    /** A failed delivery: due again at {@code nextAttempt}, or dead. */
    static Outcome failed(long id, String claimToken, String error, Instant nextAttempt, boolean dead, Instant now) {
        return new Outcome(id, claimToken, "UPDATE qimen_inbox SET status = ?, last_error = ?, next_attempt_at = ?" + GUARD,
                new Object[]{dead ? "dead" : "failed", InboxStore.storable(error), nextAttempt.toEpochMilli(),
                        now.toEpochMilli(), id, claimToken});
    }
}
