package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.testing.ChildServer;
import io.qimencallback.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line in a child JVM: SIGHUP re-reads the secrets file, so a secret is rotated without a restart. */
class SighupTest {
    private static final String OLD = "old-secret-4f1c-0123";
    private static final String NEW = "new-secret-9a2e-0123";

    @Test
    void sighupRotatesTheSecretsOfTheFile(@TempDir Path dir) throws Exception {
        Path apps = dir.resolve("apps.txt");
        write(apps, TestServer.APP_KEY + ":" + OLD + "\n");
        try (ChildServer server = ChildServer.start(dir, Map.of("QIMEN_APPS_FILE", apps.toString()))) {
            GatewayClient gateway = new GatewayClient(server.serviceUrl());
            assertThat(code(gateway, OLD)).isEqualTo("0");
            assertThat(code(gateway, NEW)).isEqualTo("sign-check-failure");

            // step 1: the new secret is added; both work
            write(apps, "# rotation in progress\n" + TestServer.APP_KEY + ":" + NEW + "\n" + TestServer.APP_KEY + ":" + OLD + "\n");
            server.signal("HUP");
            server.awaitLog("secrets reloaded", 1);
            assertThat(code(gateway, NEW)).isEqualTo("0");
            assertThat(code(gateway, OLD)).isEqualTo("0");

            // step 2: the old secret is removed; it is refused from now on
            write(apps, TestServer.APP_KEY + ":" + NEW + "\n");
            server.signal("HUP");
            server.awaitLog("secrets reloaded", 2);
            assertThat(code(gateway, NEW)).isEqualTo("0");
            assertThat(code(gateway, OLD)).isEqualTo("sign-check-failure");

            // a broken file keeps the secrets in force
            write(apps, "this line has no colon\n");
            server.signal("HUP");
            server.awaitLog("secrets NOT reloaded", 1);
            assertThat(code(gateway, NEW)).isEqualTo("0");

            // so does a file with a secret too short to be safe: the log names the app key, never the secret
            write(apps, TestServer.APP_KEY + ":" + NEW + "\n" + TestServer.APP_KEY + ":tiny-s3cr3t\n");
            server.signal("HUP");
            server.awaitLog("secrets NOT reloaded", 2);
            assertThat(code(gateway, NEW)).isEqualTo("0");
            assertThat(code(gateway, "tiny-s3cr3t")).isEqualTo("sign-check-failure");

            assertThat(server.process().isAlive()).isTrue();
            assertThat(server.log()).contains("1 secret(s) added, 0 removed", "0 secret(s) added, 1 removed",
                    "apps.txt:1: expected appKey:secret",
                    "a secret of app key '" + TestServer.APP_KEY + "' is shorter than 16 characters")
                    .doesNotContain(OLD, NEW, "has no colon", "tiny-s3cr3t");
        }
    }

    private static String code(GatewayClient gateway, String secret) throws Exception {
        return gateway.send(GatewayRequest.builder("test.sleep").appKey(TestServer.APP_KEY).secret(secret).build()).code();
    }

    /** As a secret volume does it: the new content appears at once, never half-written. */
    private static void write(Path file, String content) throws Exception {
        Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
