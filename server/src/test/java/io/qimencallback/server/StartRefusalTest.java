package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command line in a child JVM refuses to start, exit code 2 as for every configuration error, with a message
 * saying why: demo credentials where they would be served to others, a short secret.
 */
class StartRefusalTest {

    @Test
    void blankAppsIsRefusedInsteadOfStartingOnTheDemoSecret(@TempDir Path dir) throws Exception {
        Exit e = serve(dir, Map.of("QIMEN_APPS", ""));
        assertThat(e.code()).as(e.out()).isEqualTo(2);
        assertThat(e.out()).contains("configuration error: QIMEN_APPS (apps) is set but empty")
                .doesNotContain("DEMO CREDENTIALS", "service address");
    }

    @Test
    void trustedProxiesWithoutASecretAreRefused(@TempDir Path dir) throws Exception {
        Exit e = serve(dir, Map.of("QIMEN_TRUSTED_PROXIES", "127.0.0.1"));
        assertThat(e.code()).as(e.out()).isEqualTo(2);
        assertThat(e.out()).contains("configuration error: QIMEN_TRUSTED_PROXIES is set, and no secret is configured");
    }

    @Test
    void aShortSecretIsRefusedNamingItsAppKey(@TempDir Path dir) throws Exception {
        Exit e = serve(dir, Map.of("QIMEN_APPS", "12345678:s3cret"));
        assertThat(e.code()).as(e.out()).isEqualTo(2);
        assertThat(e.out()).contains("configuration error: QIMEN_APPS: a secret of app key '12345678' is shorter"
                + " than 16 characters").doesNotContain("s3cret");
    }

    private record Exit(int code, String out) {
    }

    /** {@code serve} on port 0 with {@code env}; it must exit by itself within 30 s. */
    private static Exit serve(Path dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("QIMEN_"));
        pb.environment().put("QIMEN_PORT", "0");
        pb.environment().put("QIMEN_ADMIN_PORT", "0");
        pb.environment().put("QIMEN_DATA_DIR", dir.resolve("data").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
            return new Exit(p.exitValue(), java.nio.file.Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
