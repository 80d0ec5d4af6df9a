package io.qimencallback.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action when a file's modification time or size changes, checked at a fixed interval: the secrets file's
 * rotation where there is no SIGHUP (Windows). Polling rather than a WatchService, because a WatchService does not
 * see a file replaced through a symlink (Kubernetes' secret volumes) and is not reliable on network drives.
 */
final class FileChangeWatch implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private FileChangeWatch(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static FileChangeWatch start(Path file, Duration interval, Runnable onChange) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(onChange, "onChange");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qimen-secrets-watch");
            t.setDaemon(true);
            return t;
        });
        String[] last = {stamp(file)};
        timer.scheduleWithFixedDelay(() -> {
            String now = stamp(file);
            if (!now.equals(last[0])) {
                last[0] = now;
                onChange.run(); // the reload logs and keeps the old secrets when the new file is unreadable
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new FileChangeWatch(timer);
    }

    /** Modification time and size; "missing" while the file is absent (mid-replacement). */
    private static String stamp(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            return modified.toMillis() + "/" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
