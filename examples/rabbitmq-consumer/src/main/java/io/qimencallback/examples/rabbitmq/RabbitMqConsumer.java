package io.qimencallback.examples.rabbitmq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;

/**
 * Consumes what qimen-callback-server's {@code rabbitmq} target publishes: declares the exchange (durable topic, as
 * the server does) and a durable queue bound to it, reads each message's envelope, and acknowledges it after the
 * work is done. The server delivers at least once — a message whose confirm was lost to a dropped connection is
 * published again — so the consumer drops a message whose {@code qimen-entry-id} it has handled already.
 *
 * <p>Settings from the environment: {@code RABBITMQ_URI} (default {@code amqp://127.0.0.1:5672}; {@code amqps://}
 * and a {@code /vhost} path as in the server's {@code uri}),
 * {@code RABBITMQ_USERNAME} / {@code RABBITMQ_PASSWORD_FILE} (default guest/guest), {@code QIMEN_EXCHANGE}
 * ({@code qimen}), {@code QIMEN_QUEUE} ({@code wms.qimen}), {@code QIMEN_BINDING} ({@code qimen.#}: every method).
 */
public final class RabbitMqConsumer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The last entry ids handled. A real consumer keeps them in its database, written in the same transaction as
     * the work (a unique key on the entry id), so that a duplicate after a restart is caught as well. */
    private static final Set<Long> HANDLED = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > 100_000;
        }
    });

    private RabbitMqConsumer() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory f = factory(URI.create(env("RABBITMQ_URI", "amqp://127.0.0.1:5672")));
        f.setUsername(env("RABBITMQ_USERNAME", "guest"));
        String passwordFile = System.getenv("RABBITMQ_PASSWORD_FILE");
        f.setPassword(passwordFile == null ? "guest" : Files.readString(Path.of(passwordFile)).strip());
        String exchange = env("QIMEN_EXCHANGE", "qimen");
        String queue = env("QIMEN_QUEUE", "wms.qimen");

        Connection connection = f.newConnection("qimen example consumer");
        Channel channel = connection.createChannel();
        declareAndBind(channel, exchange, queue, env("QIMEN_BINDING", "qimen.#"));
        channel.basicQos(32); // at most 32 unacknowledged messages in hand

        DeliverCallback onMessage = (tag, message) -> {
            long deliveryTag = message.getEnvelope().getDeliveryTag();
            Object id = message.getProperties().getHeaders() == null ? null
                    : message.getProperties().getHeaders().get("qimen-entry-id");
            if (!(id instanceof Number)) {
                System.err.println("not a qimen message (no qimen-entry-id): dropped");
                channel.basicReject(deliveryTag, false);
                return;
            }
            long entryId = ((Number) id).longValue();
            synchronized (HANDLED) {
                if (HANDLED.contains(entryId)) {
                    System.out.println("entry " + entryId + ": duplicate, dropped");
                    channel.basicAck(deliveryTag, false);
                    return;
                }
            }
            try {
                handle(entryId, JSON.readTree(message.getBody()));
            } catch (IOException | RuntimeException e) {
                // not acknowledged: back to the queue for another consumer or a later try
                System.err.println("entry " + entryId + ": failed (" + e.getClass().getSimpleName() + "), requeued");
                channel.basicNack(deliveryTag, false, true);
                return;
            }
            synchronized (HANDLED) {
                HANDLED.add(entryId);
            }
            channel.basicAck(deliveryTag, false);
        };
        channel.basicConsume(queue, false, onMessage, tag -> { });
        System.out.println("consuming " + queue + " (exchange " + exchange + "); Ctrl-C stops");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                connection.close(2000);
            } catch (IOException e) {
                // exiting anyway
            }
            stop.countDown();
        }));
        stop.await();
    }

    /**
     * A connection factory for {@code amqp://host[:port][/vhost]} or {@code amqps://...}, as the server's target reads
     * it: amqps verifies the broker's certificate against the JVM's CAs and its host name (the client's own
     * {@code setUri} would trust any certificate), the port defaults to 5672 or 5671, the path is the virtual host.
     */
    static ConnectionFactory factory(URI uri) throws GeneralSecurityException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new IllegalArgumentException("RABBITMQ_URI must start with amqp:// or amqps://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("RABBITMQ_URI has no host");
        }
        boolean tls = scheme.equals("amqps");
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(uri.getHost());
        f.setPort(uri.getPort() != -1 ? uri.getPort() : tls ? 5671 : 5672);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        f.setVirtualHost(path.isEmpty() || path.equals("/") ? "/"
                : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8));
        if (tls) {
            f.useSslProtocol(SSLContext.getDefault());
            f.enableHostnameVerification();
        }
        return f;
    }

    /**
     * The exchange as the server declares it (durable, topic) and a durable queue bound to it: until a queue is bound,
     * every message the server publishes comes back to it (mandatory) and the delivery is retried.
     */
    static void declareAndBind(Channel channel, String exchange, String queue, String binding) throws IOException {
        channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
        channel.queueDeclare(queue, true, false, false, null);
        channel.queueBind(queue, exchange, binding);
    }

    /** The work: here, one line per call. The envelope is the call as the server verified it. */
    private static void handle(long entryId, JsonNode envelope) {
        String body = envelope.path("body").asText("");
        System.out.printf("entry %d: %s customerId=%s businessKey=%s attempt=%d received=%s body=%d chars%n", entryId,
                envelope.path("normalizedMethod").asText(), envelope.path("customerId").asText(),
                envelope.path("businessKey").asText(), envelope.path("attempt").asInt(),
                envelope.path("receivedAt").asText(), body.length());
    }

    private static String env(String name, String defaultValue) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? defaultValue : v;
    }

}
