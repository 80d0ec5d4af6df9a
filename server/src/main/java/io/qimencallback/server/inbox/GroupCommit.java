package io.qimencallback.server.inbox;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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

    private record Pending(NewEntry entry, CompletableFuture<Appended> result) {
    }

    private final InboxStore store;
    private final InboxHealth health;
    private final long probeMillis;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_WAITING);
    private final Thread writer;
    private volatile boolean open = true;

    GroupCommit(InboxStore store, InboxHealth health, Duration probeInterval) {
        this.store = store;
        this.health = health;
        this.probeMillis = probeInterval.toMillis();
        this.writer = new Thread(this::run, "qimen-inbox-writer");
        writer.setDaemon(true);
        writer.start();
    }

    Appended append(NewEntry entry) throws SQLException {
        Pending p = enqueue(entry);
        try {
            return p.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // not taken yet: never committed, and its body does not stay queued; taken: it may still commit, but the
            // caller is not told success, so the gateway's retry finds it as a duplicate
            queue.remove(p);
            throw new SQLException("interrupted while waiting for the inbox commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw new SQLException("inbox append failed", e.getCause());
        }
    }

    /**
     * Queues an append and returns at once; the future completes when its batch is committed (or fails). A full queue
     * or a closed inbox fails it at once.
     */
    CompletableFuture<Appended> appendAsync(NewEntry entry) {
        return enqueue(entry).result;
    }

    /** Queues an append; a full queue or a closed inbox fails its result at once. */
    private Pending enqueue(NewEntry entry) {
        Pending p = new Pending(entry, new CompletableFuture<>());
        if (!queue.offer(p)) {
            p.result.completeExceptionally(new SQLException("the inbox is not keeping up: " + MAX_WAITING
                    + " appends are waiting for a commit"));
        } else if (!open) {
            p.result.completeExceptionally(new SQLException("the inbox is closed"));
        }
        return p;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (open) {
            Pending first;
            try {
                first = health.healthy() ? queue.take() : queue.poll(probeMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                probe();
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            commit(batch);
            batch.clear();
        }
        failAll(batch);
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest);
    }

    private void commit(List<Pending> batch) {
        try {
            List<Appended> results = store.inTransaction(batch.stream().map(Pending::entry).toList());
            health.succeeded();
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result.complete(results.get(i));
            }
        } catch (Throwable e) { // even an Error: the writer must survive, or every later append would wait forever
            if (batch.size() == 1) {
                health.failed(e);
                batch.get(0).result.completeExceptionally(e);
                return;
            }
            Throwable last = e;
            boolean anyStored = false;
            for (Pending p : batch) {
                Appended one;
                try {
                    one = store.inTransaction(List.of(p.entry)).get(0);
                } catch (Throwable single) {
                    last = single;
                    p.result.completeExceptionally(single);
                    continue;
                }
                anyStored = true;
                health.succeeded();
                p.result.complete(one);
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

    private static void failAll(List<Pending> pending) {
        for (Pending p : pending) {
            p.result.completeExceptionally(new SQLException("the inbox is closed"));
        }
    }

    @Override
    public void close() {
        open = false;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
