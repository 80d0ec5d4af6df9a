package io.qimencallback.server.target.rabbitmq;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;

/**
 * A {@code rabbitmq} section, checked. See {@link RabbitMqTargetType} for the keys. The password never appears in
 * {@link #toString()} or in a message.
 */
record RabbitMqSettings(String name, String host, int port, SSLContext tls, String virtualHost, String username,
                        String password, String exchange, boolean declare, RoutingKey routingKey, boolean mandatory,
                        Duration confirmTimeout, Duration connectTimeout, Duration reconnectDelay) {
    /**
     * Keys as written; {@code password_file}, {@code ca_file}, {@code cert_file} and {@code key_file} arrive as
     * {@code password}, {@code ca}, {@code cert} and {@code key}.
     */
    static final Set<String> KEYS = Set.of("type", "uri", "username", "password", "virtual_host", "exchange", "declare",
            "routing_key", "mandatory", "ca", "cert", "key", "confirm_timeout", "connect_timeout", "reconnect_delay");

    static RabbitMqSettings of(Section s) {
        try {
            return parse(s);
        } catch (IllegalStateException e) { // Section's typed getters say which key and why
            throw new ConfigException(e.getMessage());
        }
    }

    private static RabbitMqSettings parse(Section s) {
        String where = "targets." + s.name();
        Set<String> unknown = new TreeSet<>();
        for (String k : s.keys()) {
            if (!KEYS.contains(k.toLowerCase(Locale.ROOT).replace('-', '_'))) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + ": unknown key(s) " + String.join(", ", unknown) + "; a rabbitmq target"
                    + " knows uri, username, password (or password_file), virtual_host, exchange, declare, routing_key,"
                    + " mandatory, ca_file, cert_file, key_file, confirm_timeout, connect_timeout, reconnect_delay");
        }
        String raw = s.get("uri").orElseThrow(() -> new ConfigException(where + ".uri is not set (e.g."
                + " amqp://127.0.0.1:5672)"));
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(where + ".uri: not a URI (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new ConfigException(where + ".uri: must start with amqp:// or amqps://");
        }
        // the URI is printed in the route table and in messages: a password in it would leak there
        if (uri.getRawUserInfo() != null) {
            throw new ConfigException(where + ".uri: carries credentials; put them in username and password_file"
                    + " instead (the URI is printed at start)");
        }
        if (uri.getHost() == null) {
            throw new ConfigException(where + ".uri: no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(where + ".uri: query parameters are not read; use the section's keys");
        }
        boolean tls = scheme.equals("amqps");
        int port = uri.getPort() == -1 ? (tls ? 5671 : 5672) : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        Optional<String> vhostKey = s.get("virtual_host");
        String vhost;
        if (path.isEmpty() || path.equals("/")) {
            vhost = vhostKey.orElse("/");
        } else {
            vhost = URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
            if (vhostKey.isPresent() && !vhostKey.get().equals(vhost)) {
                throw new ConfigException(where + ": the virtual host is set twice (uri path and virtual_host)");
            }
        }
        Optional<String> user = s.get("username");
        Optional<String> password = s.get("password");
        if (password.isPresent() && user.isEmpty()) {
            throw new ConfigException(where + ": password is set, username is not");
        }
        if (user.isPresent() && password.isEmpty()) {
            throw new ConfigException(where + ": username is set, password (or password_file) is not");
        }
        Optional<String> ca = s.get("ca");
        if (ca.isPresent() && !tls) {
            throw new ConfigException(where + ".ca_file is for amqps:// URIs");
        }
        Optional<String> cert = s.get("cert");
        Optional<String> key = s.get("key");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException(where + "." + (cert.isPresent() ? "key_file" : "cert_file") + " is not set: a"
                    + " client certificate needs both cert_file and key_file");
        }
        if (cert.isPresent() && !tls) {
            throw new ConfigException(where + ".cert_file is for amqps:// URIs");
        }
        Optional<ClientTls.Identity> identity = cert.map(c -> new ClientTls.Identity(c, key.orElseThrow()));
        String exchange = s.get("exchange").orElse("qimen").trim();
        if (exchange.length() > 127 || !exchange.matches("[A-Za-z0-9._:\\-]+")) {
            throw new ConfigException(where + ".exchange: letters, digits and . _ : - only, at most 127");
        }
        Duration confirm = positive(s.getDuration("confirm_timeout", Duration.ofSeconds(30)), where + ".confirm_timeout");
        Duration connect = positive(s.getDuration("connect_timeout", Duration.ofSeconds(5)), where + ".connect_timeout");
        Duration reconnect = s.getDuration("reconnect_delay", Duration.ofSeconds(1));
        if (reconnect.isNegative()) {
            throw new ConfigException(where + ".reconnect_delay: must not be negative");
        }
        return new RabbitMqSettings(s.name(), uri.getHost(), port, tls ? sslContext(ca, identity, where) : null, vhost,
                user.orElse(null), password.orElse(null), exchange, s.getBoolean("declare", true),
                RoutingKey.parse(s.get("routing_key").orElse("qimen.{method}"), where + ".routing_key"),
                s.getBoolean("mandatory", true), confirm, connect, reconnect);
    }

    private static Duration positive(Duration d, String where) {
        if (d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigException(where + ": must be positive");
        }
        return d;
    }

    /**
     * The JVM's trust store, or only the PEM certificates of {@code ca_file}; with {@code cert_file} and
     * {@code key_file}, the client certificate for mutual TLS. Host names are verified either way.
     */
    private static SSLContext sslContext(Optional<String> caPem, Optional<ClientTls.Identity> identity, String where) {
        try {
            return ClientTls.context(caPem, identity);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "." + e.getMessage());
        }
    }

    /** Where it points, without credentials. */
    String describe() {
        return (tls != null ? "amqps://" : "amqp://") + host + ":" + port + " vhost " + virtualHost + ", exchange "
                + exchange + ", routing key " + routingKey + (username != null ? ", user " + username : "");
    }

    @Override
    public String toString() {
        return name + "{" + describe() + "}";
    }
}
