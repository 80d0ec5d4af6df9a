package io.qimencallback.examples.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RabbitMqConsumerTest {
    @Test
    void theUriGivesSchemePortAndVirtualHostAsTheServerReadsThem() throws Exception {
        ConnectionFactory plain = RabbitMqConsumer.factory(URI.create("amqp://mq.internal"));
        assertThat(plain.getHost()).isEqualTo("mq.internal");
        assertThat(plain.getPort()).isEqualTo(5672);
        assertThat(plain.getVirtualHost()).isEqualTo("/");
        assertThat(plain.isSSL()).isFalse();

        ConnectionFactory tls = RabbitMqConsumer.factory(URI.create("amqps://mq.internal/wms%2Fprod"));
        assertThat(tls.getPort()).isEqualTo(5671);
        assertThat(tls.getVirtualHost()).isEqualTo("wms/prod");
        assertThat(tls.isSSL()).isTrue();

        assertThat(RabbitMqConsumer.factory(URI.create("amqp://mq.internal:5673/")).getPort()).isEqualTo(5673);
        assertThatThrownBy(() -> RabbitMqConsumer.factory(URI.create("http://mq.internal")))
                .hasMessageContaining("amqp://");
    }

    /**
     * Against the machine's RabbitMQ (127.0.0.1:5672, guest/guest; skipped without one unless QIMEN_REQUIRE_BROKERS
     * is set): after the consumer's declare-and-bind, a mandatory publish as the server makes it is routed to the
     * queue, not returned.
     */
    @Test
    void afterDeclareAndBindAMandatoryPublishReachesTheQueue() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String exchange = "qimen-example-x-" + id;
        String queue = "qimen-example-q-" + id;
        try (Connection c = connect(); Channel ch = c.createChannel()) {
            try {
                RabbitMqConsumer.declareAndBind(ch, exchange, queue, "qimen.#");
                AtomicReference<String> returned = new AtomicReference<>();
                ch.addReturnListener(r -> returned.set(r.getReplyText()));
                ch.confirmSelect();
                ch.basicPublish(exchange, "qimen.deliveryorder.create", true, new AMQP.BasicProperties.Builder()
                        .headers(Map.of("qimen-entry-id", 1L)).build(), "{}".getBytes(StandardCharsets.UTF_8));
                assertThat(ch.waitForConfirms(30_000)).isTrue();
                assertThat(returned.get()).as("returned as unroutable").isNull();
                assertThat(ch.basicGet(queue, true)).isNotNull();
            } finally {
                ch.queueDelete(queue);
                ch.exchangeDelete(exchange);
            }
        }
    }

    private static Connection connect() throws IOException {
        try {
            ConnectionFactory f = RabbitMqConsumer.factory(URI.create("amqp://127.0.0.1:5672"));
            f.setConnectionTimeout(3000);
            return f.newConnection("qimen example test");
        } catch (IOException | TimeoutException | java.security.GeneralSecurityException e) {
            String why = "no RabbitMQ at 127.0.0.1:5672 (guest/guest): " + e;
            if (System.getenv("QIMEN_REQUIRE_BROKERS") != null) {
                Assertions.fail("QIMEN_REQUIRE_BROKERS is set, but " + why);
            }
            Assumptions.abort(why);
            throw new AssertionError("unreachable");
        }
    }
}
