package io.qimencallback.server.target;

import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.InboxDelivery;
import java.time.Duration;
import java.util.Optional;

/**
 * An internal system a route sends verified calls to, built from a {@code targets:} section: an HTTP endpoint, a
 * RabbitMQ exchange, a Kafka topic. A route {@code forward <name>} answers calls through {@link #forwarder()};
 * {@code inbox <name>} stores them and hands each entry to {@link #deliver}.
 */
public interface Target extends AutoCloseable {

    /** The section's name in {@code targets:}. */
    String name();

    /** {@code http}, {@code rabbitmq}, {@code kafka}: the section's {@code type}. */
    String type();

    /** Where it points, without credentials: for the route table printed at start and shown in the console. */
    String describe();

    /** Answers calls synchronously from the target's own answer; {@code null} when the target cannot answer. */
    default AsyncQimenHandler forwarder() {
        return null;
    }

    /**
     * Hands one inbox entry over; runs on an inbox delivery thread and may block until the target has confirmed
     * (HTTP 2xx, a publisher confirm, a Kafka ack). Returning marks the entry done.
     *
     * @return where the entry went, kept with the entry and shown in the console: {@code HTTP 200},
     *     {@code exchange qimen, routing key qimen.deliveryorder.create}, {@code topic qimen partition 2 offset 17};
     *     never a credential, never {@code null}
     * @throws TargetUnavailableException when the target could not be reached at all: the entry waits for it without
     *     using up an attempt
     * @throws Exception to have the entry retried with the inbox's backoff, then dead-lettered
     */
    String deliver(InboxDelivery delivery) throws Exception;

    /**
     * How long one {@link #deliver} may take when the target bounds it itself (its own request or delivery timeout plus
     * what it needs to give up cleanly); empty: the inbox's handler timeout. The inbox interrupts a delivery only after
     * the longer of the two, so a target's own timeout is what a hung target meets first.
     */
    default Optional<Duration> deliveryTimeout() {
        return Optional.empty();
    }

    /** Releases connections; called once when the server stops. */
    @Override
    void close();
}
