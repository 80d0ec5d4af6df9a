package io.qimencallback.server.target;

import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.InboxDelivery;

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
     * @throws Exception to have the entry retried with the inbox's backoff, then dead-lettered
     */
    void deliver(InboxDelivery delivery) throws Exception;

    /** Releases connections; called once when the server stops. */
    @Override
    void close();
}
