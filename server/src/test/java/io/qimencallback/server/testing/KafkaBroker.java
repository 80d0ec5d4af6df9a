package io.qimencallback.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (the {@code kafka_2.13} artifact from Maven Central, a test dependency) in KRaft combined mode —
 * controller and broker in one process — in a child JVM on free loopback ports with its log in a temporary directory.
 * A child process, so that {@link #kill()} is a real crash (SIGKILL) and {@link #restart()} a real recovery from the
 * same log, on the same ports.
 *
 * <p>Listeners: {@link #bootstrap()} (PLAINTEXT) and {@link #saslSslBootstrap()} (SASL_SSL: TLS with a throw-away
 * self-signed certificate, {@link #caFile()}, and SASL PLAIN with {@link #USER}/{@link #PASSWORD}).
 *
 * <p>When it cannot start the test is skipped with a message, unless {@code QIMEN_REQUIRE_BROKERS} is set (CI sets
 * it): then it fails.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String USER = "qimen";
    public static final String PASSWORD = "kafka-test-password-7f3a";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final int saslPort;
    private final Path caFile;
    private Process process;
    /** kills the child when the test JVM exits without closing it (a failed run, surefire stopping the fork) */
    private Thread killAtExit;

    private KafkaBroker(Path dir, Path config, Path log, int port, int saslPort, Path caFile) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.port = port;
        this.saslPort = saslPort;
        this.caFile = caFile;
    }

    /** Starts a broker in a new temporary directory and waits until it serves metadata; skips or fails the test when it cannot. */
    public static KafkaBroker start() {
        KafkaBroker broker = null;
        long t0 = System.nanoTime();
        try {
            Path dir = Files.createTempDirectory("qimen-kafka-");
            SelfSignedPem pem = SelfSignedPem.create(dir);
            int port = freePort();
            int saslPort = freePort();
            int controllerPort = freePort();
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:" + saslPort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:" + saslPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN");
            p.put("listener.name.sasl_ssl.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + USER + "=\"" + PASSWORD + "\";");
            p.put("listener.name.sasl_ssl.ssl.keystore.type", "PEM");
            p.put("listener.name.sasl_ssl.ssl.keystore.certificate.chain", Files.readString(pem.cert()));
            p.put("listener.name.sasl_ssl.ssl.keystore.key", Files.readString(pem.key()));
            p.put("log.dirs", dir.resolve("log").toString());
            // several partitions: a business key's records must stay on one of them
            p.put("num.partitions", "3");
            p.put("auto.create.topics.enable", "true");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "2");
            p.put("background.threads", "2");
            p.put("log.cleaner.enable", "false");
            Path config = dir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                p.store(out, "qimen test broker");
            }
            broker = new KafkaBroker(dir, config, dir.resolve("broker.log"), port, saslPort, pem.cert());
            broker.launch();
            broker.awaitReady();
            System.out.printf("Kafka broker (KRaft) ready at %s in %d ms%n", broker.bootstrap(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return broker;
        } catch (Exception | AssertionError e) {
            String why = "cannot start a Kafka broker: " + e + (broker == null ? "" : "\n" + broker.logTail());
            if (broker != null) {
                broker.close();
            }
            if (System.getenv("QIMEN_REQUIRE_BROKERS") != null) {
                Assertions.fail("QIMEN_REQUIRE_BROKERS is set, but " + why, e);
            }
            System.out.println("SKIPPED Kafka test: " + why + " (set QIMEN_REQUIRE_BROKERS to make this fail)");
            Assumptions.abort(why);
            throw new AssertionError("unreachable");
        }
    }

    /** {@code 127.0.0.1:port} of the PLAINTEXT listener. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:port} of the SASL_SSL listener (PLAIN, {@link #USER}/{@link #PASSWORD}). */
    public String saslSslBootstrap() {
        return "127.0.0.1:" + saslPort;
    }

    /** The PEM certificate the SASL_SSL listener presents (self-signed: it is its own CA). */
    public Path caFile() {
        return caFile;
    }

    /** A crash: SIGKILL, nothing flushed or closed. */
    public void kill() {
        Process p = process;
        if (p != null) {
            forgetExitHook();
            p.destroyForcibly();
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the killed broker again on its log and ports; waits until it serves metadata. */
    public void restart() throws Exception {
        kill();
        launch();
        awaitReady();
    }

    /** Every record of a topic, from the beginning, until {@code expected} have been read or {@code timeout} passed. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
        Map<String, Object> c = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<PartitionInfo> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < end) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            }
            List<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (out.size() < expected && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a little longer: more than expected would be a duplicate the test must see
            long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** The last lines of the broker's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no broker log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null) {
            forgetExitHook();
            p.destroy(); // SIGTERM: the broker shuts down cleanly
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            process = null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }

    private void launch() throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a small, quickly started JVM: the broker serves a few thousand records
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), config.toString(), dir.toString());
        // stdin stays a pipe from this JVM: the child stops when it reads its end (Main), even after a SIGKILL here
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = p;
        killAtExit = new Thread(p::destroyForcibly, "kafka-broker-kill-at-exit");
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    private void forgetExitHook() {
        Thread hook = killAtExit;
        killAtExit = null;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook runs anyway, and destroying a stopped process does nothing
            }
        }
    }

    private void awaitReady() throws Exception {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        // the port first (quietly): an admin client against a closed port logs a warning per retry
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue());
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the broker did not open 127.0.0.1:" + port + " within " + START_TIMEOUT);
            }
            Thread.sleep(100);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"))) {
            while (admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).isEmpty()) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the broker has not registered within " + START_TIMEOUT);
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * One broker for a test class: {@code @RegisterExtension static final KafkaBroker.PerClass KAFKA = new
     * KafkaBroker.PerClass();} starts it before the first test (or skips the class) and stops it after the last.
     */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private KafkaBroker broker;

        @Override
        public void beforeAll(ExtensionContext context) {
            broker = start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }

        public KafkaBroker broker() {
            return Objects.requireNonNull(broker, "the broker starts before the class's first test");
        }
    }

    /** The child process: formats the log directory on the first start, then runs the broker until killed. */
    public static final class Main {
        private Main() {
        }

        public static void main(String[] args) throws Exception {
            // quiet: the broker's INFO lines would be most of the log; warnings and errors stay
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.WARN);
            // the test JVM holds the other end of stdin: end of input means it is gone (killed, crashed) and the
            // broker must not outlive it, holding ports and memory on the CI machine
            Thread orphan = new Thread(() -> {
                try {
                    while (System.in.read() != -1) {
                        // nothing is ever sent; only the end matters
                    }
                } catch (IOException e) {
                    // the same: the parent is gone
                }
                Runtime.getRuntime().halt(3);
            }, "parent-watch");
            orphan.setDaemon(true);
            orphan.start();
            Path dir = Path.of(args[1]);
            if (!Files.exists(dir.resolve("log").resolve("meta.properties"))) {
                String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
                int rc = kafka.tools.StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", args[0]},
                        new PrintStream(OutputStream.nullOutputStream()));
                if (rc != 0) {
                    System.err.println("kafka-storage format failed: " + rc);
                    System.exit(2);
                }
            }
            kafka.Kafka.main(new String[]{args[0]});
        }
    }
}
