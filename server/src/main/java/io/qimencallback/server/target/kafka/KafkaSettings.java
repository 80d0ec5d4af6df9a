package io.qimencallback.server.target.kafka;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@code kafka} section read into producer properties; see {@link KafkaTargetType} for the keys. Everything that
 * keeps the delivery guarantee (acks from every in-sync replica, idempotence, bounded waits) is set here and cannot
 * be overridden through {@code producer.*}.
 */
final class KafkaSettings {
    static final String DEFAULT_TOPIC = "qimen.{method}";
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    /**
     * The inbox's lease is at least a minute: a delivery, which the inbox lets run delivery_timeout plus
     * {@link KafkaTarget#SLACK}, must be over, acked or failed, well before it runs out.
     */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(50);
    static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    /** The codecs that need no native library (zstd, lz4 and snappy are left out of the server's jar). */
    static final Set<String> COMPRESSION = Set.of("none", "gzip");

    private static final Set<String> KEYS = Set.of("TYPE", "BOOTSTRAP_SERVERS", "TOPIC", "CLIENT_ID",
            "DELIVERY_TIMEOUT", "CLOSE_TIMEOUT", "TLS", "SSL_CA", "SSL_CERT", "SSL_KEY", "SASL_MECHANISM",
            "SASL_USERNAME", "SASL_PASSWORD");
    private static final String PASSTHROUGH = "PRODUCER_";
    /** Set from the keys above or fixed for the guarantee; a {@code producer.*} line naming one is refused. */
    private static final Set<String> REFUSED = Set.of(
            ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.RETRIES_CONFIG,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.PARTITIONER_CLASS_CONFIG,
            ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.CLIENT_ID_CONFIG, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);

    private final String name;
    private final String bootstrap;
    private final String topic;
    private final Duration deliveryTimeout;
    private final Duration closeTimeout;
    private final String securityProtocol;
    private final Map<String, Object> producer;

    private KafkaSettings(String name, String bootstrap, String topic, Duration deliveryTimeout, Duration closeTimeout,
                          String securityProtocol, Map<String, Object> producer) {
        this.name = name;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.deliveryTimeout = deliveryTimeout;
        this.closeTimeout = closeTimeout;
        this.securityProtocol = securityProtocol;
        this.producer = producer;
    }

    /**
     * @param defaultTimeout the inbox's delivery deadline (the server's handler timeout), capped to {@link #MAX_TIMEOUT}
     * @throws ConfigException naming {@code targets.<name>.<key>}
     */
    static KafkaSettings read(Section s, Duration defaultTimeout) {
        String name = s.name();
        try {
            for (String key : s.keys()) {
                String k = Section.normalize(key);
                if (!KEYS.contains(k) && !(k.startsWith(PASSTHROUGH) && k.length() > PASSTHROUGH.length())) {
                    throw new ConfigException(where(name, key) + ": unknown key; known: bootstrap_servers, topic,"
                            + " client_id, delivery_timeout, close_timeout, tls, ssl_ca_file, ssl_cert_file,"
                            + " ssl_key_file, sasl_mechanism, sasl_username, sasl_password_file, producer.<property>");
                }
            }
            String bootstrap = s.get("bootstrap_servers").map(String::trim).orElseThrow(() ->
                    new ConfigException(where(name, "bootstrap_servers") + " is not set, e.g. \"127.0.0.1:9092\""));
            String topic = s.get("topic").map(String::trim).orElse(DEFAULT_TOPIC);
            TopicTemplate.check(topic, where(name, "topic"));
            Duration fallback = defaultTimeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : defaultTimeout;
            Duration timeout = s.getDuration("delivery_timeout", fallback.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : fallback);
            if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new ConfigException(where(name, "delivery_timeout") + ": " + timeout.toMillis()
                        + " ms is outside 1s..50s (a delivery, given delivery_timeout plus 1 s, must end before the inbox's"
                        + " lease of a minute runs out)");
            }
            Duration closeTimeout = s.getDuration("close_timeout", Duration.ofSeconds(5));

            Map<String, Object> p = new LinkedHashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, s.get("client_id").orElse("qimen-" + name));
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            // the guarantee: an entry is done only once every in-sync replica has it, written once per send
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
            // bounded waits: a third for metadata (an unreachable broker, an unknown topic), the rest for the ack;
            // within it the producer retries, a request at most twice
            long total = timeout.toMillis();
            long block = total / 3;
            long delivery = total - block;
            long linger = 0; // one record per delivery thread in flight: waiting for company only adds latency
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(block));
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(200, (delivery - linger) / 2)));
            p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger));
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
            // a broker that is down is retried every 5 s at most, not every second: each failed connect logs two
            // warnings, and the inbox's own retries carry the entries meanwhile
            p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
            // no client metrics pushed to the broker unless asked for
            p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");

            String protocol = security(s, name, p);
            passthrough(s, name, p);
            return new KafkaSettings(name, bootstrap, topic, timeout, closeTimeout, protocol, Map.copyOf(p));
        } catch (IllegalStateException e) {
            throw new ConfigException(e.getMessage()); // Section's own checks (a duration, a boolean) name the key
        }
    }

    private static String security(Section s, String name, Map<String, Object> p) {
        Optional<String> ca = s.get("ssl_ca");
        Optional<String> cert = s.get("ssl_cert");
        Optional<String> key = s.get("ssl_key");
        boolean tls = s.getBoolean("tls", ca.isPresent() || cert.isPresent());
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException(where(name, cert.isPresent() ? "ssl_key_file" : "ssl_cert_file")
                    + " is not set: a client certificate needs both ssl_cert_file and ssl_key_file");
        }
        if (!tls && (ca.isPresent() || cert.isPresent())) {
            throw new ConfigException(where(name, "tls") + " is false, but TLS files are given");
        }
        if (tls) {
            ca.ifPresent(pem -> {
                requirePem(pem, "CERTIFICATE", where(name, "ssl_ca_file"));
                p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, pem);
            });
            if (cert.isPresent()) {
                requirePem(cert.get(), "CERTIFICATE", where(name, "ssl_cert_file"));
                requirePem(key.get(), "PRIVATE KEY", where(name, "ssl_key_file"));
                p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, cert.get());
                p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, key.get());
            }
        }
        Optional<String> mechanism = s.get("sasl_mechanism").map(m -> m.trim().toUpperCase(Locale.ROOT));
        if (mechanism.isEmpty()) {
            if (s.get("sasl_username").isPresent() || s.get("sasl_password").isPresent()) {
                throw new ConfigException(where(name, "sasl_mechanism") + " is not set, but SASL credentials are"
                        + " given; one of " + String.join(", ", MECHANISMS));
            }
            String protocol = tls ? "SSL" : "PLAINTEXT";
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
            return protocol;
        }
        if (!MECHANISMS.contains(mechanism.get())) {
            throw new ConfigException(where(name, "sasl_mechanism") + ": '" + mechanism.get() + "' is not supported;"
                    + " one of " + String.join(", ", MECHANISMS));
        }
        String user = s.get("sasl_username").orElseThrow(() ->
                new ConfigException(where(name, "sasl_username") + " is not set (sasl_mechanism is)"));
        String password = s.get("sasl_password").orElseThrow(() ->
                new ConfigException(where(name, "sasl_password_file") + " is not set (sasl_mechanism is)"));
        String module = mechanism.get().equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        String protocol = tls ? "SASL_SSL" : "SASL_PLAINTEXT";
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        p.put(SaslConfigs.SASL_MECHANISM, mechanism.get());
        // a Password in Kafka's configuration: printed as [hidden] in the producer's own log line
        p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaas(user) + "\" password=\""
                + jaas(password) + "\";");
        return protocol;
    }

    private static void passthrough(Section s, String name, Map<String, Object> p) {
        for (String key : s.keys()) {
            String k = Section.normalize(key);
            if (!k.startsWith(PASSTHROUGH) || k.length() == PASSTHROUGH.length()) {
                continue;
            }
            // Kafka's property names are dotted and have no underscore: producer_linger_ms (the environment) is
            // producer.linger.ms
            String property = k.substring(PASSTHROUGH.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            String value = s.get(key).orElseThrow().trim();
            if (REFUSED.contains(property)) {
                throw new ConfigException(where(name, key) + ": " + property + " is set by the target (acks=all,"
                        + " idempotence, delivery_timeout, bootstrap_servers, client_id, the business key as the"
                        + " record key) and cannot be changed");
            }
            if (property.startsWith("sasl.") || property.startsWith("ssl.keystore.")
                    || property.startsWith("ssl.truststore.") || property.equals("ssl.key.password")) {
                throw new ConfigException(where(name, key) + ": credentials come from sasl_mechanism,"
                        + " sasl_username, sasl_password_file, ssl_ca_file, ssl_cert_file and ssl_key_file");
            }
            if (property.equals(ProducerConfig.COMPRESSION_TYPE_CONFIG)
                    && !COMPRESSION.contains(value.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(where(name, key) + ": '" + value + "' is not available; none or gzip"
                        + " (the server's jar leaves out the native zstd, lz4 and snappy libraries)");
            }
            if (!ProducerConfig.configNames().contains(property)) {
                throw new ConfigException(where(name, key) + ": " + property + " is not a Kafka producer property");
            }
            p.put(property, value);
        }
    }

    private static void requirePem(String text, String type, String where) {
        if (!text.contains("-----BEGIN ") || !text.contains(type + "-----")) {
            throw new ConfigException(where + ": not a PEM file with a " + type + " block");
        }
    }

    /** A value inside a JAAS option's double quotes. */
    private static String jaas(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String where(String name, String key) {
        return "targets." + name + "." + key;
    }

    String topic() {
        return topic;
    }

    Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    Duration closeTimeout() {
        return closeTimeout;
    }

    Map<String, Object> producer() {
        return producer;
    }

    /** Where it points, without credentials. */
    String describe() {
        return securityProtocol.toLowerCase(Locale.ROOT) + "://" + bootstrap + " topic " + topic
                + " (acks=all, idempotent, delivery_timeout " + deliveryTimeout.toMillis() + " ms)";
    }

    @Override
    public String toString() {
        return name + ": " + describe();
    }
}
