package io.qimencallback.protocol.handler;

import java.util.Set;

/**
 * What an ERP adapter implements to consume calls at its own pace: the server stores each call of these methods in
 * its inbox, answers the gateway {@code success} once the call is durable, and then delivers it here.
 *
 * <p>Found like {@link QimenHandler} (list the class in
 * {@code META-INF/services/io.qimencallback.protocol.handler.InboxHandler}, or register it in code). A method is
 * answered either synchronously by a {@link QimenHandler} or from the inbox, never both.
 *
 * <p>Delivery is at least once: an entry is marked done after {@link #deliver} returns, so a crash in between
 * delivers it again. {@link InboxDelivery#entryId()} and {@link InboxDelivery#businessKey()} are stable across
 * deliveries; use them to make the ERP side idempotent.
 */
public interface InboxHandler {

    /** {@return the methods this handler consumes, in any form the gateway uses; two claims on one method fail startup} */
    Set<String> methods();

    /**
     * Processes one stored call. Runs on a delivery thread and may block; it is interrupted past the deadline.
     *
     * @param delivery the stored call and its attempt
     * @throws Exception to have the call delivered again later (exponential backoff), until the attempts run out
     *                   and it is marked {@code dead}; the exception's class and message become the entry's last error
     */
    void deliver(InboxDelivery delivery) throws Exception;

    /** {@return as {@link QimenHandler#name()}} */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * As {@link QimenHandler#start}: before the first delivery; an exception stops the server's start.
     *
     * @param context the handler's settings, logger and meters
     * @throws Exception to stop the server's start
     */
    default void start(HandlerContext context) throws Exception {
    }

    /**
     * As {@link QimenHandler#close}: once the server stops, after the last delivery ended.
     *
     * @throws Exception logged; the server stops all the same
     */
    default void close() throws Exception {
    }
}
