package io.qimencallback.server.inbox;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether inbox appends succeed: the outcome of the last commit of appends (or of the store's probe while they fail).
 * Readiness and {@code qimen_inbox_healthy} read it; a change is logged once, not per call.
 */
final class InboxHealth {
    private static final Logger log = LoggerFactory.getLogger(InboxHealth.class);

    private final String where;
    private final AtomicBoolean healthy = new AtomicBoolean(true);

    InboxHealth(String where) {
        this.where = where;
    }

    boolean healthy() {
        return healthy.get();
    }

    void succeeded() {
        if (healthy.compareAndSet(false, true)) {
            log.warn("inbox: appends succeed again ({}); ready", where);
        }
    }

    void failed(Throwable cause) {
        if (healthy.compareAndSet(true, false)) {
            log.warn("inbox: appends fail ({}): {}; calls are answered system-error and /health/ready is 503 until a"
                    + " commit succeeds again (retried every second)", where, describe(cause));
        }
    }

    /** The first line only: a database's further lines (PostgreSQL's "Detail: Key (...)=(...)") may hold data. */
    static String describe(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        String first = nl < 0 ? m : m.substring(0, nl);
        return t instanceof SQLException s && s.getSQLState() != null
                ? first + " (SQLState " + s.getSQLState() + ")" : first;
    }
}
