package io.qimencallback.server.target.http;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.WebhookSignature;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The keys of one {@code type: http} section, checked at start (see {@link HttpTarget} for what each means). Errors
 * name the key and never show a secret.
 *
 * @param keys the forwarding secrets' key bytes, the current one first
 */
record HttpTargetSettings(String name, URI url, List<byte[]> keys, Duration timeout, SSLContext tls,
                          AnswerMode answer, int maxConnections, boolean http2, int maxAnswerBytes) {
    /** As {@link Section} gives them: {@code secret_file} and {@code ca_file} are read into {@code secret} and {@code ca}. */
    static final Set<String> KEYS = Set.of("type", "url", "secret", "timeout", "ca", "answer", "max_connections",
            "http2", "max_answer_bytes");
    /** Shorter secrets are guessable by brute force on a captured signature. */
    static final int MIN_SECRET = 16;
    static final int DEFAULT_MAX_CONNECTIONS = 64;
    /**
     * Qimen answers are small (a query's page of items); with {@code max_connections} answers in memory at once, the
     * server's 8 MiB {@code max_body_bytes} would allow half a GiB per target.
     */
    static final int DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;

    /** How the internal answer becomes the Qimen answer. */
    enum AnswerMode {
        /** {@code {flag, code, message, ...fields}} in JSON, rendered by the server in the caller's format. */
        FIELDS,
        /** A Qimen answer (XML {@code <response>} or JSON {@code {"response":{}}}) passed through. */
        PASSTHROUGH
    }

    HttpTargetSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        keys = List.copyOf(keys);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(answer, "answer");
    }

    /**
     * @param callTimeout the server's handler timeout: the default {@code timeout}
     * @throws ConfigException naming {@code targets.<name>.<key>}
     */
    static HttpTargetSettings of(Section s, Duration callTimeout) {
        String where = "targets." + s.name() + ".";
        for (String key : s.keys()) {
            if (!KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(where + key + ": unknown key for type http; known: " + String.join(", ",
                        new java.util.TreeSet<>(KEYS)) + " (and secret_file, ca_file)");
            }
        }
        URI url = url(where, s.get("url").orElseThrow(() -> new ConfigException(where + "url is not set (the internal"
                + " endpoint, e.g. http://127.0.0.1:8000/qimen)")));
        List<byte[]> keys = secrets(where, s.get("secret").orElseThrow(() -> new ConfigException(where + "secret (or "
                + "secret_file) is not set: calls forwarded to " + s.name() + " must be signed (at least "
                + MIN_SECRET + " characters, or a whsec_ secret)")));
        Duration timeout = wrapped(() -> s.getDuration("timeout", callTimeout));
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException(where + "timeout must be positive");
        }
        SSLContext tls = null;
        Optional<String> ca = s.get("ca");
        if (ca.isPresent()) {
            if (!"https".equals(url.getScheme())) {
                throw new ConfigException(where + "ca_file is set but url is not https");
            }
            tls = trusting(where, ca.get());
        }
        AnswerMode answer = switch (s.get("answer").orElse("fields").trim().toLowerCase(Locale.ROOT)) {
            case "fields" -> AnswerMode.FIELDS;
            case "passthrough" -> AnswerMode.PASSTHROUGH;
            default -> throw new ConfigException(where + "answer: '" + s.get("answer").get() + "' — expected fields"
                    + " or passthrough");
        };
        int maxConnections = wrapped(() -> s.getInt("max_connections", DEFAULT_MAX_CONNECTIONS));
        if (maxConnections < 1) {
            throw new ConfigException(where + "max_connections must be at least 1");
        }
        int maxAnswer = wrapped(() -> s.getInt("max_answer_bytes", DEFAULT_MAX_ANSWER_BYTES));
        if (maxAnswer < 1024) {
            throw new ConfigException(where + "max_answer_bytes must be at least 1024");
        }
        boolean http2 = switch (s.get("http2").orElse("auto").trim().toLowerCase(Locale.ROOT)) {
            // over TLS ALPN costs nothing and falls back to HTTP/1.1; over plain HTTP the h2c upgrade header
            // confuses some servers, so it is only sent when asked for
            case "auto" -> "https".equals(url.getScheme());
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new ConfigException(where + "http2: '" + s.get("http2").get() + "' — expected auto, on"
                    + " or off");
        };
        return new HttpTargetSettings(s.name(), url, keys, timeout, tls, answer, maxConnections, http2, maxAnswer);
    }

    private static URI url(String where, String text) {
        URI u;
        try {
            u = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(where + "url: not a URL (" + e.getReason() + ")");
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new ConfigException(where + "url: expected http:// or https://");
        }
        if (u.getHost() == null) {
            throw new ConfigException(where + "url: no host");
        }
        if (u.getRawUserInfo() != null) {
            throw new ConfigException(where + "url: credentials in the URL are not sent; the target authenticates"
                    + " calls by their webhook-signature");
        }
        return u;
    }

    /** Comma-separated, or one per line (a secret file); the first is the current one. */
    static List<byte[]> secrets(String where, String text) {
        List<byte[]> keys = new ArrayList<>();
        int n = 0;
        for (String part : text.split("[,\\r\\n]")) {
            String secret = part.trim();
            if (secret.isEmpty()) {
                continue;
            }
            n++;
            byte[] key;
            try {
                key = WebhookSignature.key(secret);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + "secret #" + n + ": " + e.getMessage());
            }
            if (secret.startsWith("whsec_") ? key.length < MIN_SECRET : secret.length() < MIN_SECRET) {
                throw new ConfigException(where + "secret #" + n + " is too short: at least " + MIN_SECRET
                        + (secret.startsWith("whsec_") ? " bytes after base64 decoding" : " characters"));
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new ConfigException(where + "secret is empty");
        }
        return keys;
    }

    /** An SSL context trusting exactly the certificates of a PEM text (ca_file's content). */
    private static SSLContext trusting(String where, String pem) {
        try {
            return io.qimencallback.server.client.PemTrust.fromPem(pem);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "ca_file: " + e.getMessage());
        }
    }

    /** Section's typed getters throw IllegalStateException naming the key; at start that is a ConfigException. */
    private static <T> T wrapped(java.util.function.Supplier<T> get) {
        try {
            return get.get();
        } catch (IllegalStateException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Scheme, host, port and path: no query (it could carry a token). */
    String describe() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath()) + (tls != null ? " (ca_file)" : "")
                + (answer == AnswerMode.PASSTHROUGH ? " (passthrough)" : "");
    }

    @Override
    public String toString() {
        return "HttpTargetSettings[" + name + ", " + describe() + ", " + keys.size() + " secret(s)]";
    }
}
