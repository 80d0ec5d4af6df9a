package io.qimencallback.server.inbox;

import java.util.Objects;

/**
 * Interrupts one delivery's thread at its deadline, and only while the delivery runs: cancelling the scheduled task
 * does not stop one already running, whose interrupt would otherwise land after the delivery — on the store's I/O
 * recording its outcome (a pool checkout fails), or on the next delivery. The worker ends it under the same lock.
 */
final class DeliveryDeadline {
    private final Thread worker;
    private boolean running = true;
    private boolean fired;

    DeliveryDeadline(Thread worker) {
        this.worker = Objects.requireNonNull(worker, "worker");
    }

    /** The deadline: interrupts the worker unless its delivery has ended. */
    synchronized void fire() {
        if (running) {
            fired = true;
            worker.interrupt();
        }
    }

    /**
     * On the worker, once the delivery returned: no interrupt from now on, and none left pending.
     *
     * @return whether the deadline interrupted the delivery
     */
    synchronized boolean end() {
        running = false;
        Thread.interrupted();
        return fired;
    }
}
