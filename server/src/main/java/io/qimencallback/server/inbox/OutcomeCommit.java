package io.qimencallback.server.inbox;

import io.qimencallback.server.inbox.CommitQueue.Pending;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit of delivery outcomes, as {@link GroupCommit} is of appends: one writer thread takes every outcome
 * waiting — those that arrived while its last commit ran — and records them in one transaction, so deliveries that
 * finish together pay one commit (one fsync on SQLite) instead of one each. A delivery thread waits for its outcome's
 * commit before it takes the next entry, so "done" is durable when its permit is free again; until then the entry
 * stays claimed under its lease (a minute at least), so it is never taken for abandoned meanwhile, and a crash before
 * the commit only means a redelivery. A batch that fails is retried one outcome at a time, so one bad row cannot
 * fail the others.
 */
final class OutcomeCommit implements AutoCloseable {
    /** Bounds a transaction; more waiting outcomes go in the next one. */
    private static final int MAX_BATCH = 256;
    /** Only matters while the store hangs: each delivery thread waits for its own, so there are few. */
    private static final int MAX_WAITING = 1024;

    private final InboxStore store;
    private final CommitQueue<Outcome, Boolean> queue = new CommitQueue<>(MAX_WAITING, MAX_BATCH, "outcomes");

    OutcomeCommit(InboxStore store) {
        this.store = store;
        queue.start("qimen-inbox-outcomes", this::run);
    }

    /** Records an outcome; true once committed, false when the claim was lost (its lease ran out and it was taken). */
    boolean record(Outcome outcome) throws SQLException {
        return queue.await(queue.offer(outcome));
    }

    /** Queues an outcome and returns at once; the future completes on the writer thread once it is committed. */
    CompletableFuture<Boolean> recordAsync(Outcome outcome) {
        return queue.offer(outcome).result();
    }

    private void run() {
        while (queue.running()) {
            try {
                commit(queue.next(-1));
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private void commit(List<Pending<Outcome, Boolean>> batch) {
        try {
            List<Boolean> results = store.record(batch.stream().map(Pending::item).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (Throwable e) { // even an Error: the writer must survive, or every later delivery would wait forever
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            for (Pending<Outcome, Boolean> p : batch) {
                try {
                    p.result().complete(store.record(List.of(p.item())).get(0));
                } catch (Throwable single) {
                    p.result().completeExceptionally(single);
                }
            }
        }
    }

    @Override
    public void close() {
        queue.stop();
    }
}
