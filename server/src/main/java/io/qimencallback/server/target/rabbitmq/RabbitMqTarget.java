package io.qimencallback.server.target.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.concurrent.BlockingThreadFactory;
import io.qimencallback.server.target.Envelope;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetUnavailableException;
import io.qimencallback.server.target.rabbitmq.RabbitMqMetrics.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes inbox entries to a RabbitMQ exchange and returns only once the broker confirmed the message.
 *
 * <p>One connection, opened at the first delivery and again after it was lost, with the client's automatic recovery
 * off: a recovered channel cannot say which of the messages in flight when the connection dropped reached a queue,
 * so here every publish not confirmed on the channel it went out on is a failure, the inbox retries the entry, and a
 * message may reach the queue twice but never zero times (consumers drop duplicates by {@code qimen-entry-id}).
 *
 * <p>Channels are not thread-safe: each delivery thread borrows one from a small pool, publishes one message and
 * waits for its confirm, so the confirm it waits for is that message's. A channel in doubt (timeout, interrupt,
 * error) is closed, never reused.
 */
final class RabbitMqTarget implements Target {
    private static final Logger log = LoggerFactory.getLogger(RabbitMqTarget.class);
    private static final int MAX_IDLE_CHANNELS = 16;

    private final RabbitMqSettings settings;
    private final ConnectionFactory factory;
    private final RabbitMqMetrics metrics;
    private final ConcurrentLinkedDeque<Pooled> idle = new ConcurrentLinkedDeque<>();
    private final ReentrantLock connecting = new ReentrantLock();
    /** closes channels in doubt: a channel close waits for the broker's close-ok, up to 10 s when it is blocked */
    private final ExecutorService discards;
    private volatile Connection connection;
    /** what the connected gauge reads: a scrape takes no lock of the client's */
    private volatile boolean up;
    private volatile String blocked;
    private volatile boolean closed;
    /** guarded by {@link #connecting} */
    private long lastFailureNanos;
    /** guarded by {@link #connecting}; null after a success */
    private String lastFailure;

    /** A failure this class described already: passed on as it is. */
    private static final class Failed extends IOException {
        Failed(String message) {
            super(message);
        }
    }

    /** One channel in confirm mode, used by one delivery thread at a time. */
    private static final class Pooled {
        final Connection owner;
        final Channel channel;
        /** set by the connection's reader thread, before the message's ack */
        volatile String returned;

        Pooled(Connection owner, Channel channel) {
            this.owner = owner;
            this.channel = channel;
        }
    }

    RabbitMqTarget(RabbitMqSettings settings, MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setVirtualHost(settings.virtualHost());
        if (settings.username() != null) {
            factory.setUsername(settings.username());
            factory.setPassword(settings.password());
        }
        if (settings.tls() != null) {
            factory.useSslProtocol(settings.tls());
            factory.enableHostnameVerification();
        }
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        int connectMillis = (int) settings.connectTimeout().toMillis();
        factory.setConnectionTimeout(connectMillis);
        factory.setHandshakeTimeout(connectMillis);
        factory.setShutdownTimeout(0);
        // channel open, confirm.select, exchange.declare, channel.close: never longer than a confirm may take
        factory.setChannelRpcTimeout((int) Math.min(settings.confirmTimeout().toMillis(), 10_000));
        factory.setThreadFactory(new BlockingThreadFactory("qimen-rabbitmq-" + settings.name(), true));
        factory.setExceptionHandler(new ForgivingExceptionHandler() {
            @Override
            public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
                // the shutdown listener below says it once, with the broker's reason
                log.debug("rabbitmq target {}: connection driver: {}", settings.name(), reason(exception));
            }
        });
        this.discards = Executors.newSingleThreadExecutor(
                new BlockingThreadFactory("qimen-rabbitmq-" + settings.name() + "-close", true));
        this.metrics = new RabbitMqMetrics(meters, settings.name(), this::connected);
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String type() {
        return RabbitMqTargetType.TYPE;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    boolean connected() {
        return up;
    }

    /**
     * connect_timeout (opening the connection) plus confirm_timeout (the publish's confirm) and a second to give up
     * cleanly: the target's own bounds, so the inbox does not interrupt a delivery before they run out.
     */
    @Override
    public Optional<Duration> deliveryTimeout() {
        return Optional.of(settings.connectTimeout().plus(settings.confirmTimeout()).plusSeconds(1));
    }

    @Override
    public String deliver(InboxDelivery delivery) throws Exception {
        Objects.requireNonNull(delivery, "delivery");
        if (closed) {
            throw new TargetUnavailableException(where() + "closed (the server is stopping)", null);
        }
        QimenRequest request = delivery.request();
        byte[] body = Envelope.ofEntry(request, delivery.entryId(), delivery.attempt(), delivery.businessKey());
        AMQP.BasicProperties props = properties(delivery);
        String routingKey = settings.routingKey().render(request);

        Pooled p = borrow();
        boolean reusable = false;
        try {
            p.returned = null;
            long start = System.nanoTime();
            p.channel.basicPublish(settings.exchange(), routingKey, settings.mandatory(), props, body);
            metrics.published();
            boolean acked = p.channel.waitForConfirms(settings.confirmTimeout().toMillis());
            reusable = true; // nothing of ours is in flight on it any more
            String returned = p.returned;
            if (returned != null) {
                metrics.failed(Outcome.RETURNED);
                throw new Failed(where() + "unroutable: no queue is bound to exchange " + settings.exchange()
                        + " for routing key " + routingKey + " (" + returned + ")");
            }
            if (!acked) {
                metrics.failed(Outcome.NACK);
                throw new Failed(where() + "the broker refused the message (basic.nack)");
            }
            metrics.confirmed(System.nanoTime() - start);
            return "exchange " + settings.exchange() + ", routing key " + routingKey;
        } catch (TimeoutException e) {
            metrics.failed(Outcome.TIMEOUT);
            throw new Failed(where() + "no publisher confirm within " + settings.confirmTimeout().toMillis()
                    + " ms");
        } catch (InterruptedException e) {
            metrics.failed(Outcome.INTERRUPTED);
            throw e;
        } catch (ShutdownSignalException e) {
            metrics.failed(Outcome.CONNECTION);
            throw new Failed(where() + "the broker closed the " + (e.isHardError() ? "connection" : "channel")
                    + ": " + reason(e));
        } catch (Failed e) {
            throw e;
        } catch (IOException e) {
            metrics.failed(Outcome.CONNECTION);
            throw new Failed(where() + "publishing failed: " + reason(e));
        } finally {
            if (reusable) {
                release(p);
            } else {
                discard(p);
            }
        }
    }

    private static AMQP.BasicProperties properties(InboxDelivery d) {
        QimenRequest r = d.request();
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(Long.toString(d.entryId()))
                .timestamp(Date.from(r.receivedAt()))
                .type(r.method())
                .appId("qimen-callback-server")
                .headers(Map.of(
                        "qimen-entry-id", d.entryId(),
                        "qimen-method", r.method(),
                        "qimen-business-key", d.businessKey(),
                        "qimen-attempt", d.attempt(),
                        "qimen-call-id", r.callId()))
                .build();
    }

    private Pooled borrow() throws IOException, InterruptedException, TargetUnavailableException {
        Connection c = connection();
        String why = blocked;
        if (why != null) {
            // an alarm (memory, disk) stops the broker reading publishes: nothing sent, the entry waits for it
            metrics.failed(Outcome.BLOCKED);
            throw new TargetUnavailableException(where() + "the broker blocks publishing (" + why + ")", null);
        }
        for (Pooled p; (p = idle.pollFirst()) != null; ) {
            if (p.owner == c && p.channel.isOpen()) {
                return p;
            }
            discard(p);
        }
        try {
            Channel ch = c.createChannel();
            if (ch == null) {
                throw new IOException("the connection has no channel left");
            }
            Pooled p = new Pooled(c, ch);
            ch.addReturnListener(r -> p.returned = r.getReplyCode() + " " + r.getReplyText());
            ch.confirmSelect();
            return p;
        } catch (IOException | ShutdownSignalException e) {
            metrics.failed(Outcome.CONNECTION);
            throw new Failed(where() + "cannot open a channel: " + reason(e));
        }
    }

    private void release(Pooled p) {
        if (!closed && p.channel.isOpen() && p.owner == connection && idle.size() < MAX_IDLE_CHANNELS) {
            idle.offerFirst(p);
        } else {
            discard(p);
        }
    }

    private void discard(Pooled p) {
        if (!p.channel.isOpen()) {
            return;
        }
        try {
            discards.execute(() -> {
                try {
                    p.channel.abort();
                } catch (IOException | RuntimeException e) {
                    // it is being dropped: whatever it says now does not matter
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping: the connection's close takes the channel with it
        }
    }

    /**
     * The open connection; opens one when there is none, at most once per reconnect_delay.
     *
     * @throws TargetUnavailableException when none can be opened (refused, timed out, login or exchange declaration
     *     refused): nothing was sent, and the entry waits without using an attempt
     */
    private Connection connection() throws InterruptedException, TargetUnavailableException {
        Connection c = connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        connecting.lockInterruptibly();
        try {
            c = connection;
            if (c != null && c.isOpen()) {
                return c;
            }
            connection = null;
            long now = System.nanoTime();
            if (lastFailure != null && now - lastFailureNanos < settings.reconnectDelay().toNanos()) {
                metrics.failed(Outcome.UNREACHABLE);
                throw new TargetUnavailableException(where() + "broker unreachable: " + lastFailure, null);
            }
            try {
                c = open();
            } catch (IOException | TimeoutException | RuntimeException e) {
                metrics.failed(Outcome.UNREACHABLE);
                boolean first = lastFailure == null;
                lastFailure = reason(e);
                lastFailureNanos = now;
                if (first) {
                    log.warn("rabbitmq target {}: cannot connect to {}: {} (entries stay in the inbox and are"
                            + " retried)", settings.name(), settings.describe(), lastFailure);
                }
                throw new TargetUnavailableException(where() + "broker unreachable: " + lastFailure, null);
            }
            if (closed) {
                close(c);
                throw new TargetUnavailableException(where() + "closed (the server is stopping)", null);
            }
            if (lastFailure != null) {
                log.info("rabbitmq target {}: connected again to {}", settings.name(), settings.describe());
            }
            lastFailure = null;
            connection = c;
            up = c.isOpen();
            return c;
        } finally {
            connecting.unlock();
        }
    }

    private Connection open() throws IOException, TimeoutException {
        Connection c = factory.newConnection("qimen-callback-server " + settings.name());
        try {
            blocked = null;
            c.addBlockedListener(new BlockedListener() {
                @Override
                public void handleBlocked(String reason) {
                    blocked = reason;
                    log.warn("rabbitmq target {}: the broker blocks publishing ({})", settings.name(), reason);
                }

                @Override
                public void handleUnblocked() {
                    blocked = null;
                    log.info("rabbitmq target {}: the broker accepts messages again", settings.name());
                }
            });
            c.addShutdownListener(cause -> {
                up = false;
                if (!cause.isInitiatedByApplication() && !closed) {
                    log.warn("rabbitmq target {}: connection lost ({}); reconnecting at the next delivery",
                            settings.name(), reason(cause));
                }
            });
            if (settings.declare()) {
                Channel ch = c.createChannel();
                ch.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, true);
                ch.close();
            }
            return c;
        } catch (IOException | TimeoutException | RuntimeException e) {
            close(c);
            throw e;
        }
    }

    private String where() {
        return "rabbitmq target " + settings.name() + ": ";
    }

    /** What the broker or the socket said, without stack or credentials (neither the client nor the broker puts them there). */
    static String reason(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof ShutdownSignalException s) {
                if (s.getReason() instanceof AMQP.Channel.Close cc) {
                    return cc.getReplyCode() + " " + cc.getReplyText();
                }
                if (s.getReason() instanceof AMQP.Connection.Close cc) {
                    return cc.getReplyCode() + " " + cc.getReplyText();
                }
            }
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static void close(Connection c) {
        try {
            c.close(2000);
        } catch (IOException | RuntimeException e) {
            c.abort(1000);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Pooled p; (p = idle.pollFirst()) != null; ) {
            discard(p);
        }
        Connection c = connection;
        connection = null;
        up = false;
        if (c != null) {
            close(c);
        }
        discards.shutdownNow();
    }
}
