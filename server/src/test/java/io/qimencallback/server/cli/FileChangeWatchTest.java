package io.qimencallback.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets file's rotation where there is no SIGHUP (Windows): a change to the file runs the reload once. */
class FileChangeWatchTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedFileRunsTheActionOnceAndAnUnchangedOneNever() throws Exception {
        Path file = dir.resolve("apps.txt");
        Files.writeString(file, "12345678:first\n");
        Semaphore changes = new Semaphore(0);
        try (FileChangeWatch ignored = FileChangeWatch.start(file, Duration.ofMillis(50), changes::release)) {
            assertThat(changes.tryAcquire(300, TimeUnit.MILLISECONDS)).as("no change, no reload").isFalse();
            // replaced as rotation does it: a new file moved over the old one (size differs, so mtime granularity
            // does not matter)
            Path next = dir.resolve("apps.txt.new");
            Files.writeString(next, "12345678:second-secret\n");
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).as("reload after the change").isTrue();
            assertThat(changes.tryAcquire(300, TimeUnit.MILLISECONDS)).as("one reload per change").isFalse();
        }
    }

    @Test
    void sighupIsHandledWhereItExists() {
        // on Linux (CI) the signal exists: the server keeps SIGHUP and starts no watch
        assertThat(ServeCommand.handleHup(() -> { })).isEqualTo(!System.getProperty("os.name").startsWith("Windows"));
    }
}
