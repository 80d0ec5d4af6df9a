package io.qimencallback.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * The bearer token that opens the admin port's call data to a client beyond loopback, read once from a file
 * ({@code admin_token_file}). Only its SHA-256 digest is kept, compared in constant time, so neither the token nor
 * its length shows in timing; {@link #toString} never shows it.
 */
public final class AdminToken {
    public static final int MIN_LENGTH = 16;

    private final byte[] digest;

    private AdminToken(byte[] digest) {
        this.digest = digest;
    }

    /**
     * Reads the token: the file's content without surrounding white space (a trailing newline is usual).
     *
     * @throws ConfigException naming the file, never its content, when it is unreadable, empty or too short
     */
    public static AdminToken read(Path file) {
        Objects.requireNonNull(file, "file");
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(Setting.ADMIN_TOKEN_FILE.env() + ": cannot read '" + file + "': "
                    + e.getClass().getSimpleName());
        }
        if (token.length() < MIN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new ConfigException(Setting.ADMIN_TOKEN_FILE.env() + ": '" + file + "' must hold one token of at"
                    + " least " + MIN_LENGTH + " characters, without spaces or control characters");
        }
        return new AdminToken(sha256(token));
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <this token>}; {@code null}: no. */
    public boolean matches(String authorization) {
        if (authorization == null) {
            return false;
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(a.substring(7).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AdminToken[set]";
    }
}
