package io.qimencallback.server.inbox;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a group-commit writer ({@link GroupCommit}, {@link OutcomeCommit}) takes its batches from, and the writer's
 * thread: callers queue an item and wait for (or are called back with) its result; the writer takes every item
 * waiting as one batch. Bounded: when the store hangs and callers pile up, an item is refused at once rather than
 * queued.
 */
final class CommitQueue<I, R> {
    record Pending<I, R>(I item, CompletableFuture<R> result) {
    }

    private final BlockingQueue<Pending<I, R>> queue;
    private final int maxWaiting;
    private final int maxBatch;
    /** What is queued, for messages: "appends", "outcomes". */
    private final String what;
    private volatile boolean open = true;
    /** Until {@link #stop}: the writer's loop runs while this holds. */
    private volatile boolean running = true;
    private Thread writer;

    CommitQueue(int maxWaiting, int maxBatch, String what) {
        this.queue = new LinkedBlockingQueue<>(maxWaiting);
        this.maxWaiting = maxWaiting;
        this.maxBatch = maxBatch;
        this.what = what;
    }

    /** Queues an item; a full queue or a closed one fails its result at once. */
    Pending<I, R> offer(I item) {
        Pending<I, R> p = new Pending<>(item, new CompletableFuture<>());
        if (!queue.offer(p)) {
            p.result.completeExceptionally(new SQLException("the inbox is not keeping up: " + maxWaiting + " " + what
                    + " are waiting for a commit"));
        } else if (!open) {
            queue.remove(p);
            p.result.completeExceptionally(new SQLException("the inbox is closed"));
        }
        return p;
    }

    /** Waits for a queued item's commit. */
    R await(Pending<I, R> p) throws SQLException {
        try {
            return p.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // not taken yet: never committed, and it does not stay queued; taken: it may still commit, but the caller
            // is not told success (an append is found as a duplicate on the retry, an outcome's entry comes back)
            queue.remove(p);
            throw new SQLException("interrupted while waiting for the inbox commit", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException("the inbox commit failed", e.getCause());
        }
    }

    /**
     * The next batch: waits for a first item (at most {@code timeoutMillis}, or without end when negative), then
     * takes every one waiting, up to the batch size; empty when none came in time.
     */
    List<Pending<I, R>> next(long timeoutMillis) throws InterruptedException {
        Pending<I, R> first = timeoutMillis < 0 ? queue.take() : queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return List.of();
        }
        List<Pending<I, R>> batch = new ArrayList<>(maxBatch);
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        return batch;
    }

    /** Starts the writer: {@code loop} runs while {@link #running}, then the queue is closed. */
    void start(String threadName, Runnable loop) {
        writer = new Thread(() -> {
            try {
                loop.run();
            } finally {
                close();
            }
        }, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    boolean running() {
        return running;
    }

    /** Stops the writer (waiting in {@link #next} it is interrupted) and waits a moment for it to end. */
    void stop() {
        running = false;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refuses new items and fails those still waiting. */
    private void close() {
        open = false;
        List<Pending<I, R>> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Pending<I, R> p : rest) {
            p.result.completeExceptionally(new SQLException("the inbox is closed"));
        }
    }
}
