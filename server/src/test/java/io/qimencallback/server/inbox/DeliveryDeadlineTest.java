package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A delivery's deadline interrupts only while the delivery runs, and leaves no interrupt behind it. */
class DeliveryDeadlineTest {

    @Test
    void aDeadlineThatFiresDuringTheDeliveryInterruptsItAndIsClearedAtItsEnd() {
        DeliveryDeadline d = new DeliveryDeadline(Thread.currentThread());
        d.fire();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(d.end()).as("timed out").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).as("nothing left for the store's I/O").isFalse();
    }

    @Test
    void aDeadlineThatFiresAfterTheDeliveryEndedInterruptsNothing() {
        DeliveryDeadline d = new DeliveryDeadline(Thread.currentThread());
        assertThat(d.end()).isFalse();
        d.fire(); // the scheduled task was already running when the delivery returned
        assertThat(Thread.currentThread().isInterrupted()).as("the next delivery is not hit").isFalse();
    }

    @Test
    void aDeadlineFiredFromAnotherThreadWhileTheWorkerEndsNeverLeavesAnInterrupt() throws Exception {
        for (int i = 0; i < 2000; i++) {
            DeliveryDeadline d = new DeliveryDeadline(Thread.currentThread());
            Thread timer = new Thread(d::fire);
            timer.start();
            boolean fired = d.end();
            timer.join();
            assertThat(Thread.interrupted()).as("round %s (fired before the end: %s)", i, fired).isFalse();
        }
    }
}
