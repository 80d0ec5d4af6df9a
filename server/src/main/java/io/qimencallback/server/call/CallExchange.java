package io.qimencallback.server.call;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What happens to one call, apart from its facts: exactly one answer ({@link #claimAnswer()}: the work, the deadline
 * and a stopping server race for it), the work to stop when the deadline wins, the deadline's timer, and what the call
 * holds until it ends.
 */
public final class CallExchange {
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Future<?> work;
    private volatile Future<?> timer;
    private volatile Runnable onEnd;
    /** The worker running a blocking handler, while it does: its stack is logged when the deadline passes. */
    private volatile Thread worker;

    /** True for the one caller that may answer; every later caller gets false. */
    public boolean claimAnswer() {
        return answered.compareAndSet(false, true);
    }

    public boolean isAnswered() {
        return answered.get();
    }

    /** The work to cancel ({@code cancel(true)}: a worker is interrupted, a handler's stage cancelled) past the deadline. */
    public void work(Future<?> work) {
        this.work = work;
        if (answered.get()) {
            // answered already (the deadline won before the work was known): stop it now
            cancelWork();
        }
    }

    public void cancelWork() {
        Future<?> w = work;
        if (w != null) {
            w.cancel(true);
        }
    }

    void worker(Thread thread) {
        this.worker = thread;
    }

    /** The worker running the call's blocking handler now, or {@code null}. */
    public Thread worker() {
        return worker;
    }

    public void timer(Future<?> timer) {
        this.timer = timer;
    }

    public void cancelTimer() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Run once when the call ends (its answer written, or abandoned): gives back what the call held. */
    public void onEnd(Runnable action) {
        this.onEnd = action;
    }

    public void end() {
        Runnable r = onEnd;
        if (r != null && ended.compareAndSet(false, true)) {
            r.run();
        }
    }
}
