package io.qimencallback.server.target.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's RabbitMQ (127.0.0.1:5672, guest/guest) with a fresh exchange and a queue bound to it for
 * {@code qimen.#}, both deleted on close. Without a reachable broker the test is skipped with a message — unless
 * {@code QIMEN_REQUIRE_BROKERS} is set (CI sets it), then it fails.
 */
final class Broker implements AutoCloseable {
    static final String URI = "amqp://127.0.0.1:5672";

    final String exchange;
    final String queue;
    private final Connection connection;
    private final Channel channel;

    private Broker(Connection connection, String exchange, String queue) throws IOException {
        this.connection = connection;
        this.channel = connection.createChannel();
        this.exchange = exchange;
        this.queue = queue;
    }

    static Broker fresh() throws Exception {
        return fresh("qimen.#");
    }

    /** @param binding the queue's binding key; null: no queue bound */
    static Broker fresh(String binding) throws Exception {
        return fresh(binding, null);
    }

    /** @param queueArguments e.g. {@code x-max-length}; may be null */
    static Broker fresh(String binding, Map<String, Object> queueArguments) throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Connection c;
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(5672);
            f.setConnectionTimeout(3000);
            c = f.newConnection("qimen-test " + id);
        } catch (IOException | TimeoutException e) {
            String why = "no RabbitMQ at 127.0.0.1:5672 (guest/guest): " + e;
            if (System.getenv("QIMEN_REQUIRE_BROKERS") != null) {
                Assertions.fail("QIMEN_REQUIRE_BROKERS is set, but " + why);
            }
            System.out.println("SKIPPED RabbitMQ test: " + why + " (start it: rabbitmq-server -detached; set"
                    + " QIMEN_REQUIRE_BROKERS to make this fail)");
            Assumptions.abort(why);
            throw new AssertionError("unreachable");
        }
        Broker b = new Broker(c, "qimen-test-x-" + id, "qimen-test-q-" + id);
        b.channel.exchangeDeclare(b.exchange, BuiltinExchangeType.TOPIC, true);
        b.channel.queueDeclare(b.queue, true, false, false, queueArguments);
        if (binding != null) {
            b.channel.queueBind(b.queue, b.exchange, binding);
        }
        return b;
    }

    long messageCount() throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    /** Waits until at least {@code n} messages are ready, then takes them all. */
    List<GetResponse> drain(int n, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (messageCount() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<GetResponse> all = new ArrayList<>();
        for (GetResponse r; (r = channel.basicGet(queue, true)) != null; ) {
            all.add(r);
        }
        return all;
    }

    static String body(GetResponse r) {
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    /**
     * Closes, from the broker's side, every connection whose client-provided name contains {@code name}; tries again
     * for up to 30 s while there is none (a connection being opened is not listed yet).
     */
    static int closeConnections(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int closed;
        while ((closed = closeConnectionsOnce(name)) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return closed;
    }

    private static int closeConnectionsOnce(String name) throws Exception {
        String list = rabbitmqctl("-q", "list_connections", "pid", "client_properties");
        int closed = 0;
        for (String line : list.split("\n")) {
            if (line.contains(name) && line.startsWith("<")) {
                String pid = line.substring(0, line.indexOf('>') + 1);
                rabbitmqctl("close_connection", pid, "closed by a qimen test");
                closed++;
            }
        }
        return closed;
    }

    /** The memory watermark now, to put back after a test set it to 0; 0.4 (the default) if it reads as 0 already. */
    static String watermarkToRestore() throws Exception {
        String now = rabbitmqctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").trim();
        try {
            return Double.parseDouble(now) > 0 ? now : "0.4"; // 0: left by a run that died blocked
        } catch (NumberFormatException e) {
            return "0.4"; // an absolute or relative tuple: the default serves the tests
        }
    }

    /** Sets the watermark back, trying a few times: a broker left at 0 blocks every later test and CI run. */
    static void restoreWatermark(String watermark) {
        for (int i = 0; ; i++) {
            try {
                rabbitmqctl("set_vm_memory_high_watermark", watermark);
                return;
            } catch (Exception e) {
                if (i == 4) {
                    System.err.println("could not restore RabbitMQ's memory watermark to " + watermark + ": " + e
                            + " (rabbitmqctl set_vm_memory_high_watermark " + watermark + ")");
                    return;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static String rabbitmqctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            channel.queueDelete(queue);
            channel.exchangeDelete(exchange);
        } finally {
            connection.close();
        }
    }
}
