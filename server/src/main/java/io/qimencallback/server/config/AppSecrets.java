package io.qimencallback.server.config;

import io.qimencallback.server.access.Cidr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The signing secrets, per {@code app_key}. A key may have several secrets at once, so a secret can be rotated
 * without refusing calls signed with the old one; {@code *} holds secrets tried for any {@code app_key}.
 *
 * <p>{@link #toString} never shows a secret.
 */
public final class AppSecrets {
    public static final String ANY_APP_KEY = "*";
    /** Shortest secret the server accepts: a short secret can be guessed offline from one signed call. */
    public static final int MIN_SECRET_LENGTH = 16;
    /** The answer to a call signed with the demo credentials from beyond loopback. */
    public static final String LOOPBACK_ONLY = "demo credentials are accepted from loopback only: configure a secret"
            + " (" + Setting.APPS.env() + " or " + Setting.APPS_FILE.env() + ")";
    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"));

    private final Map<String, List<String>> byAppKey;
    /** True for the published demo secret: it must never verify a call from another machine. */
    private final boolean loopbackOnly;

    private AppSecrets(Map<String, List<String>> byAppKey, boolean loopbackOnly) {
        this.byAppKey = byAppKey;
        this.loopbackOnly = loopbackOnly;
    }

    /** The published demo secret for any app key, accepted from loopback clients only ({@link #refuses}). */
    public static AppSecrets demo(String demoSecret) {
        AppSecrets s = builder().add(ANY_APP_KEY, demoSecret).build();
        return new AppSecrets(s.byAppKey, true);
    }

    /**
     * Whether a call verified with these secrets must still be refused because of where it comes from: the demo
     * credentials from a client (after {@code X-Forwarded-For} resolution) that is not a loopback address. A client
     * that is not an IP literal counts as not loopback.
     */
    public boolean refuses(String clientAddress) {
        return loopbackOnly && (clientAddress == null || LOOPBACK.stream().noneMatch(c -> c.contains(clientAddress)));
    }

    /** Whether these are the demo credentials. */
    public boolean loopbackOnly() {
        return loopbackOnly;
    }

    /** The first app key with a secret shorter than {@code minLength} characters, if any; never the secret. */
    public Optional<String> appKeyWithSecretShorterThan(int minLength) {
        return byAppKey.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(secret -> secret.length() < minLength))
                .map(Map.Entry::getKey).findFirst();
    }

    /**
     * Parses {@code appKey:secret[,appKey:secret...]}; the first {@code :} splits, so a secret may contain one.
     * Repeating an app key adds a secret.
     */
    public static AppSecrets parse(String spec) {
        Builder b = builder();
        if (spec == null || spec.isBlank()) {
            return b.build();
        }
        for (String entry : spec.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected appKey:secret, got an entry without ':'");
            }
            if (colon == 0 || colon == e.length() - 1) {
                throw new IllegalArgumentException("expected appKey:secret, got an entry "
                        + (colon == 0 ? "without an app key" : "without a secret"));
            }
            b.add(e.substring(0, colon).trim(), e.substring(colon + 1).trim());
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Secrets to try for a request's {@code app_key}: its own first, then the wildcard's. Empty: refuse. */
    public List<String> secretsFor(String appKey) {
        List<String> own = appKey == null ? List.of() : byAppKey.getOrDefault(appKey, List.of());
        List<String> any = byAppKey.getOrDefault(ANY_APP_KEY, List.of());
        if (any.isEmpty()) {
            return own;
        }
        List<String> all = new ArrayList<>(own);
        all.addAll(any);
        return all;
    }

    public boolean isEmpty() {
        return byAppKey.isEmpty();
    }

    public java.util.Set<String> appKeys() {
        return byAppKey.keySet();
    }

    /** How many (app key, secret) pairs there are; safe to log. */
    public int secretCount() {
        return byAppKey.values().stream().mapToInt(List::size).sum();
    }

    /** How many (app key, secret) pairs of this set are missing from {@code other}; safe to log. */
    public int secretsMissingFrom(AppSecrets other) {
        Objects.requireNonNull(other, "other");
        int n = 0;
        for (Map.Entry<String, List<String>> e : byAppKey.entrySet()) {
            List<String> theirs = other.byAppKey.getOrDefault(e.getKey(), List.of());
            n += (int) e.getValue().stream().filter(secret -> !theirs.contains(secret)).count();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("AppSecrets[");
        byAppKey.forEach((k, v) -> b.append(k).append(": ").append(v.size()).append(" secret(s); "));
        return b.append(loopbackOnly ? "loopback only]" : "]").toString();
    }

    public static final class Builder {
        private final Map<String, List<String>> byAppKey = new LinkedHashMap<>();

        public Builder add(String appKey, String secret) {
            Objects.requireNonNull(appKey, "appKey");
            Objects.requireNonNull(secret, "secret");
            if (appKey.isBlank() || secret.isBlank()) {
                throw new IllegalArgumentException("app key and secret must not be blank");
            }
            List<String> secrets = byAppKey.computeIfAbsent(appKey, k -> new ArrayList<>());
            if (!secrets.contains(secret)) {
                secrets.add(secret);
            }
            return this;
        }

        /** Adds every secret of {@code other}, after those already here. */
        public Builder addAll(AppSecrets other) {
            Objects.requireNonNull(other, "other").byAppKey.forEach((k, secrets) -> secrets.forEach(s -> add(k, s)));
            return this;
        }

        public AppSecrets build() {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            byAppKey.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new AppSecrets(Collections.unmodifiableMap(copy), false);
        }
    }
}
