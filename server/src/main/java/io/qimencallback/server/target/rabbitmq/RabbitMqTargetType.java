package io.qimencallback.server.target.rabbitmq;

import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;
import java.util.Objects;

/**
 * {@code type: rabbitmq}: an inbox consumer that publishes each entry to an exchange and marks it done once the broker
 * confirmed it (publisher confirms). It cannot answer calls, so it serves {@code inbox <name>} routes only.
 *
 * <p>Keys:
 * <ul>
 *   <li>{@code uri} (required): {@code amqp://host[:port][/vhost]} or {@code amqps://...}; no credentials in it (a URI
 *       with {@code user:pass@} is refused: it is printed at start);</li>
 *   <li>{@code username}, {@code password} or {@code password_file}: both or neither (neither: the broker's default
 *       guest, which RabbitMQ accepts from localhost only);</li>
 *   <li>{@code virtual_host} (default {@code /}, or the URI's path);</li>
 *   <li>{@code exchange} (default {@code qimen}): declared durable, type topic, at connect unless
 *       {@code declare: false} (then it must exist);</li>
 *   <li>{@code routing_key} (default {@code qimen.{method}}): {@code {method}} is the normalized method
 *       ({@code deliveryorder.create}), {@code {customerId}} the call's customerId; both cleaned to at most 64
 *       characters of {@code [A-Za-z0-9_-]} (the method keeps its dots);</li>
 *   <li>{@code mandatory} (default true): a message no queue is bound for comes back (basic.return) and the
 *       delivery fails and is retried, instead of being dropped by the broker;</li>
 *   <li>{@code ca_file} (amqps only): PEM certificates to trust instead of the JVM's; host names are verified;</li>
 *   <li>{@code cert_file} and {@code key_file} (amqps only, both or neither): mutual TLS, the PEM certificate chain
 *       and its unencrypted PKCS#8 PEM key the client presents; a key that is not the certificate's stops the
 *       start;</li>
 *   <li>{@code confirm_timeout} (default 30s; with connect_timeout and a second, how long the inbox lets a delivery run,
 *       unless handler_timeout_millis is longer),
 *       {@code connect_timeout} (default 5s), {@code reconnect_delay} (default 1s: after a failed connect, deliveries
 *       fail at once for this long instead of each waiting for the broker).</li>
 * </ul>
 *
 * <p>No connection (refused, timed out, login or exchange declaration refused) and a broker that blocks publishers
 * (memory or disk alarm) send nothing: the entry waits without using an attempt. Once a message went out, a nack, a
 * return (no queue bound, with {@code mandatory}), a lost connection or no confirm in time cost one. The inbox waits
 * connect_timeout plus confirm_timeout plus 1 s for a delivery.
 *
 * <p>Each message: the body is {@link io.qimencallback.server.target.Envelope#ofEntry} JSON, {@code content_type}
 * {@code application/json}, {@code delivery_mode} 2 (persistent), {@code message_id} the inbox entry id,
 * {@code timestamp} the call's receipt, {@code type} the normalized method; headers {@code qimen-entry-id},
 * {@code qimen-method}, {@code qimen-business-key}, {@code qimen-attempt}, {@code qimen-call-id}. Delivery is at
 * least once: consumers drop duplicates by {@code qimen-entry-id}.
 *
 * <p>Meters (label {@code target}): {@code qimen_rabbitmq_published_total}, {@code qimen_rabbitmq_confirmed_total},
 * {@code qimen_rabbitmq_failed_total{outcome=unreachable|connection|blocked|nack|returned|timeout|interrupted}},
 * {@code qimen_rabbitmq_confirm_latency_seconds}, {@code qimen_rabbitmq_connected}.
 */
public final class RabbitMqTargetType implements TargetType {
    static final String TYPE = "rabbitmq";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Target create(Section section, TargetEnvironment environment) {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(environment, "environment");
        return new RabbitMqTarget(RabbitMqSettings.of(section), environment.meters());
    }
}
