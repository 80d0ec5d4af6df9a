package io.qimencallback.server.inbox;

import java.sql.SQLException;
import java.time.Duration;
import io.qimencallback.server.inbox.CommitQueue.Pending;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit: one writer thread takes every append waiting and commits them in one transaction, so a burst pays one
 * fsync instead of one each (SQLite has a single writer anyway; PostgreSQL flushes its WAL per commit). Callers block
 * until their batch is committed: {@code success} still means stored. A batch that fails — on PostgreSQL also a
 * deadlock with another server's batch over the same business keys — is retried one append at a time, so one bad
 * entry cannot fail the others. Each outcome is recorded in the {@link InboxHealth}; while appends fail, the writer
 * probes the store every {@link #PROBE_INTERVAL} when no append is waiting, so that health returns without calls.
 */
final class GroupCommit implements AutoCloseable {
    /** Bounds a transaction's size (and memory); more waiting appends go in the next one. */
    private static final int MAX_BATCH = 256;
    /**
     * Appends waiting for the writer. Each caller waits for its own (and is bounded by the worker pool); this bound
     * only matters when the store hangs and callers pile up: then the call is refused, not queued.
     */
    private static final int MAX_WAITING = 1024;
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final InboxStore store;
    private final InboxHealth health;
    private final long probeMillis;
    private final CommitQueue<NewEntry, Appended> queue = new CommitQueue<>(MAX_WAITING, MAX_BATCH, "appends");

    GroupCommit(InboxStore store, InboxHealth health, Duration probeInterval) {
        this.store = store;
        this.health = health;
        this.probeMillis = probeInterval.toMillis();
        queue.start("qimen-inbox-writer", this::run);
    }

    Appended append(NewEntry entry) throws SQLException {
        return queue.await(queue.offer(entry));
    }

    /**
     * Queues an append and returns at once; the future completes when its batch is committed (or fails). A full queue
     * or a closed inbox fails it at once.
     */
    CompletableFuture<Appended> appendAsync(NewEntry entry) {
        return queue.offer(entry).result();
    }

    private void run() {
        while (queue.running()) {
            List<Pending<NewEntry, Appended>> batch;
            try {
                batch = queue.next(health.healthy() ? -1 : probeMillis);
            } catch (InterruptedException e) {
                break;
            }
            if (batch.isEmpty()) {
                probe();
            } else {
                commit(batch);
            }
        }
    }

    private void commit(List<Pending<NewEntry, Appended>> batch) {
        try {
            List<Appended> results = store.inTransaction(batch.stream().map(Pending::item).toList());
            health.succeeded();
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (Throwable e) { // even an Error: the writer must survive, or every later append would wait forever
            if (batch.size() == 1) {
                health.failed(e);
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            Throwable last = e;
            boolean anyStored = false;
            for (Pending<NewEntry, Appended> p : batch) {
                Appended one;
                try {
                    one = store.inTransaction(List.of(p.item())).get(0);
                } catch (Throwable single) {
                    last = single;
                    p.result().completeExceptionally(single);
                    continue;
                }
                anyStored = true;
                health.succeeded();
                p.result().complete(one);
            }
            if (!anyStored) {
                health.failed(last);
            }
        }
    }

    private void probe() {
        try {
            store.probe();
            health.succeeded();
        } catch (Throwable e) { // as in commit: the writer must survive
            health.failed(e);
        }
    }

    @Override
    public void close() {
        queue.stop();
    }
}
