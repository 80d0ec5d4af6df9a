package io.qimencallback.server.testing;

import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Envelope;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;
import io.qimencallback.server.target.TargetUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only target (type {@code test-file}) that works across processes: each delivery appends
 * {@code begin <entry> <attempt> <epoch millis>} to {@code file} (synced), then waits while the path
 * {@code hold_while} exists; answers its first {@code unavailable_first} deliveries (whatever the entry) as unreachable
 * ({@link TargetUnavailableException}, appending {@code unavailable <entry> <attempt>}); fails attempts up to
 * {@code fail_first} (every one with {@code fail_first: always}); else appends
 * {@code done <entry> <attempt> <normalizedMethod> <callId>} and returns {@code file <name>}. {@code delivery_timeout}:
 * what it answers as {@link Target#deliveryTimeout()} (none by default).
 */
public final class FileTarget implements Target {
    public static final TargetType TYPE = new TargetType() {
        @Override
        public String type() {
            return "test-file";
        }

        @Override
        public Target create(Section section, TargetEnvironment environment) {
            String failFirst = section.get("fail_first").orElse("0");
            return new FileTarget(section.name(), Path.of(section.require("file")),
                    section.get("hold_while").map(Path::of).orElse(null),
                    failFirst.equals("always") ? Integer.MAX_VALUE : Integer.parseInt(failFirst),
                    Integer.parseInt(section.get("unavailable_first").orElse("0")),
                    section.get("delivery_timeout").isPresent()
                            ? Optional.of(section.getDuration("delivery_timeout", Duration.ZERO)) : Optional.empty());
        }
    };

    private final String name;
    private final Path file;
    private final Path hold;
    private final int failFirst;
    /** Deliveries still to be answered as unreachable. */
    private final AtomicInteger unavailable;
    private final Optional<Duration> deliveryTimeout;

    private FileTarget(String name, Path file, Path hold, int failFirst, int unavailableFirst,
                       Optional<Duration> deliveryTimeout) {
        this.name = name;
        this.file = file;
        this.hold = hold;
        this.failFirst = failFirst;
        this.unavailable = new AtomicInteger(unavailableFirst);
        this.deliveryTimeout = deliveryTimeout;
    }

    @Override
    public Optional<Duration> deliveryTimeout() {
        return deliveryTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "test-file";
    }

    @Override
    public String describe() {
        return file.getFileName().toString();
    }

    @Override
    public String deliver(InboxDelivery d) throws Exception {
        // the envelope every target builds: it must be buildable from a stored entry
        Envelope.ofEntry(d.request(), d.entryId(), d.attempt(), d.businessKey());
        append("begin " + d.entryId() + " " + d.attempt() + " " + System.currentTimeMillis());
        while (hold != null && Files.exists(hold)) {
            Thread.sleep(20);
        }
        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            append("unavailable " + d.entryId() + " " + d.attempt());
            throw new TargetUnavailableException(name + " cannot be reached", new java.net.ConnectException("refused"));
        }
        if (d.attempt() <= failFirst) {
            append("fail " + d.entryId() + " " + d.attempt());
            throw new IllegalStateException(name + " refuses attempt " + d.attempt());
        }
        append("done " + d.entryId() + " " + d.attempt() + " " + d.request().method() + " " + d.request().callId());
        return "file " + file.getFileName();
    }

    private synchronized void append(String line) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    @Override
    public void close() {
    }

    /** The lines of a target's file with this verb ({@code begin}, {@code fail}, {@code done}). */
    public static List<String[]> lines(Path file, String verb) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().map(l -> l.split(" ")).filter(w -> w[0].equals(verb)).toList();
    }

    /** Entry id → how many times it was delivered ({@code done}). */
    public static Map<Long, Integer> doneCounts(Path file) throws IOException {
        Map<Long, Integer> out = new TreeMap<>();
        for (String[] w : lines(file, "done")) {
            out.merge(Long.parseLong(w[1]), 1, Integer::sum);
        }
        return out;
    }

    /**
     * A server child process (ChildServer) that knows this target type: the settings from the environment and the
     * YAML file {@code QIMEN_TEST_CONFIG} names, no plugins.
     */
    public static final class ChildMain {
        private ChildMain() {
        }

        public static void main(String[] args) throws Exception {
            String file = System.getenv("QIMEN_TEST_CONFIG");
            var config = io.qimencallback.server.config.ConfigLoader.load(file == null ? null : Path.of(file),
                    System.getenv());
            var server = io.qimencallback.server.QimenServer.start(config,
                    io.qimencallback.protocol.handler.HandlerRegistry.builder().build(), List.of(),
                    List.of(TYPE));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            Thread.currentThread().join();
        }
    }
}
