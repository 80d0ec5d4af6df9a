package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.HandlerContext;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.plugin.HandlerLifecycle;
import io.qimencallback.server.testing.LogCapture;
import io.qimencallback.server.testing.PluginJars;
import io.qimencallback.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers are started before the server takes calls, with their own settings, a masking logger and the server's
 * meters, and closed once when it has stopped; a plugin that cannot be loaded or started stops the start, saying
 * which class, which jar and why.
 */
class HandlerLifecycleTest {

    /** Named {@code erp}: reads {@code plugins.erp}. */
    static class ErpHandler implements QimenHandler {
        final String method;
        final List<HandlerContext> contexts = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();

        ErpHandler(String method) {
            this.method = method;
        }

        @Override
        public Set<String> methods() {
            return Set.of(method);
        }

        @Override
        public String name() {
            return "erp";
        }

        @Override
        public void start(HandlerContext context) {
            contexts.add(context);
            context.logger().info("ERP reached for receiver {}", "13812345678");
            context.logger().warn("ERP said no", new IllegalStateException("receiver 13987654321 unknown"));
        }

        @Override
        public QimenResponse handle(QimenRequest request) {
            return QimenResponse.success("url " + contexts.get(0).settings().require("url"));
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void startGivesEachHandlerItsSettingsFromTheFileTheEnvironmentAndFiles(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("erp-password");
        Files.writeString(secret, "s3cr3t-pa55word\n");
        ErpHandler orders = new ErpHandler("deliveryorder.create");
        ErpHandler stock = new ErpHandler("inventory.query");
        HandlerRegistry handlers = HandlerRegistry.builder().add(orders).add(stock).build();
        try (LogCapture log = LogCapture.of(HandlerLifecycle.class, "qimen.plugin.erp");
             TestServer s = TestServer.start(c -> c
                     .plugin("erp", Map.of("url", "http://erp.local:8000", "timeout", "2s"))
                     .plugin("nobody", Map.of("x", "1"))
                     .environment(Map.of("QIMEN_PLUGINS_ERP_TIMEOUT", "5s",
                             "QIMEN_PLUGINS_ERP_PASSWORD_FILE", secret.toString(),
                             "QIMEN_PLUGINS_ERPP_URL", "http://typo",
                             "QIMEN_PLUGINS_DIR", "")), handlers)) {
            assertThat(orders.contexts).hasSize(1);
            assertThat(stock.contexts).as("one start per instance").hasSize(1);
            HandlerContext ctx = orders.contexts.get(0);
            assertThat(ctx.settings().name()).isEqualTo("erp");
            assertThat(ctx.settings().require("url")).isEqualTo("http://erp.local:8000");
            assertThat(ctx.settings().getDuration("timeout", Duration.ZERO)).as("the environment wins")
                    .isEqualTo(Duration.ofSeconds(5));
            assertThat(ctx.settings().require("password")).as("from the _file").isEqualTo("s3cr3t-pa55word");
            assertThat(ctx.meters()).isSameAs(s.server().metrics().registry());
            assertThat(ctx.logger().getName()).as("named after name()").isEqualTo("qimen.plugin.erp");
            assertThat(s.send(s.call("deliveryorder.create").xmlBody("<request/>")).message())
                    .isEqualTo("url http://erp.local:8000");

            String all = log.all();
            List<String> settingsLines = log.lines().stream().filter(l -> l.contains("plugin settings:")).toList();
            assertThat(settingsLines).as("handlers sharing a name share one section").hasSize(1);
            assertThat(settingsLines.get(0)).contains("erp{", "url=http://erp.local:8000", "timeout=5s",
                    "password=****", "QIMEN_PLUGINS_ERP_*");
            assertThat(all).doesNotContain("s3cr3t");
            assertThat(all).contains("WARN plugins.nobody: no handler is named nobody (handler names: [erp])")
                    .contains("WARN QIMEN_PLUGINS_ERPP_URL is set, but no handler's name matches it")
                    .doesNotContain("QIMEN_PLUGINS_DIR is set");
            // the handler's own logger masks its messages and its exceptions' messages
            assertThat(all).contains("INFO ERP reached for receiver 138****5678",
                    "java.lang.IllegalStateException: receiver 139****4321 unknown")
                    .doesNotContain("13812345678", "13987654321");
        }
    }

    /** Counts its starts and closes; its call takes a while, to be in flight when the server stops. */
    static final class Counting implements QimenHandler {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final AtomicBoolean answering = new AtomicBoolean();
        final AtomicBoolean closedWhileAnswering = new AtomicBoolean();

        @Override
        public Set<String> methods() {
            return Set.of("test.slow");
        }

        @Override
        public void start(HandlerContext context) {
            starts.incrementAndGet();
        }

        @Override
        public QimenResponse handle(QimenRequest request) throws InterruptedException {
            answering.set(true);
            Thread.sleep(400);
            answering.set(false);
            return QimenResponse.success();
        }

        @Override
        public void close() {
            closedWhileAnswering.compareAndSet(false, answering.get());
            closes.incrementAndGet();
        }
    }

    /** An inbox consumer: started and closed like the others. */
    static final class Consumer implements InboxHandler {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public Set<String> methods() {
            return Set.of("stockout.confirm");
        }

        @Override
        public void start(HandlerContext context) {
            starts.incrementAndGet();
        }

        @Override
        public void deliver(InboxDelivery delivery) {
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void closeIsCalledOnceWhenTheServerStopsAfterTheLastCallWasAnswered() throws Exception {
        Counting handler = new Counting();
        Consumer consumer = new Consumer();
        HandlerRegistry handlers = HandlerRegistry.builder().add(handler).add(consumer).build();
        TestServer s = TestServer.start(c -> c.shutdownGrace(Duration.ofSeconds(10)), handlers);
        try {
            assertThat(handler.starts.get()).isEqualTo(1);
            assertThat(consumer.starts.get()).isEqualTo(1);
            CompletableFuture<GatewayResponse> answer = CompletableFuture.supplyAsync(
                    () -> s.send(s.call("test.slow").xmlBody("<request/>")));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!handler.answering.get() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(handler.answering.get()).as("the call is in flight").isTrue();
            assertThat(handler.closes.get()).isZero();
            s.server().stop();
            assertThat(answer.get(10, TimeUnit.SECONDS).isSuccess()).as("the call in flight was answered").isTrue();
            assertThat(handler.closes.get()).isEqualTo(1);
            assertThat(handler.closedWhileAnswering.get()).isFalse();
            assertThat(consumer.closes.get()).isEqualTo(1);
        } finally {
            s.close();
        }
        s.server().stop();
        assertThat(handler.closes.get()).as("once, however often stop is called").isEqualTo(1);
        assertThat(consumer.closes.get()).isEqualTo(1);
    }

    @Test
    void aFailingStartStopsTheStartAndClosesTheHandlersStartedBeforeIt() {
        ErpHandler first = new ErpHandler("deliveryorder.create");
        QimenHandler failing = new QimenHandler() {
            @Override
            public Set<String> methods() {
                return Set.of("inventory.query");
            }

            @Override
            public String name() {
                return "failing";
            }

            @Override
            public void start(HandlerContext context) {
                context.settings().require("url");
            }

            @Override
            public QimenResponse handle(QimenRequest request) {
                return QimenResponse.success();
            }
        };
        HandlerRegistry handlers = HandlerRegistry.builder().add(first).add(failing).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(c -> c, handlers).close())
                .isInstanceOf(io.qimencallback.server.plugin.HandlerStartException.class)
                .hasMessageContaining("handler code: " + failing.getClass().getName() + " failed to start:")
                .hasMessageContaining("java.lang.IllegalStateException: plugins.failing.url is not set")
                .hasMessageContaining("QIMEN_PLUGINS_FAILING_URL");
        assertThat(first.closes.get()).as("started before, closed again").isEqualTo(1);
    }

    @Test
    void twoPluginNamesWhoseVariablesOverlapStopTheStartBeforeAnyHandlerStarts() {
        ErpHandler erp = new ErpHandler("deliveryorder.create");
        ErpHandler other = new ErpHandler("inventory.query") {
            @Override
            public String name() {
                return "erp-wms";
            }
        };
        HandlerRegistry handlers = HandlerRegistry.builder().add(erp).add(other).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(c -> c
                        .environment(Map.of("QIMEN_PLUGINS_ERP_WMS_PASSWORD", "wms-pa55word-value")), handlers).close())
                .isInstanceOf(io.qimencallback.server.plugin.HandlerStartException.class)
                .hasMessageContaining("plugins.erp and plugins.erp-wms")
                .hasMessageContaining("QIMEN_PLUGINS_ERP_WMS_*")
                .hasMessageContaining("rename one of them")
                .hasMessageNotContaining("wms-pa55word-value");
        assertThat(erp.contexts).as("nothing started").isEmpty();
        assertThat(other.contexts).isEmpty();
        // a section of the file counts as a name too: erp would read its variables
        HandlerRegistry one = HandlerRegistry.builder().add(new ErpHandler("deliveryorder.create")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(c -> c
                        .plugin("erp-wms", Map.of("x", "1")), one).close())
                .isInstanceOf(io.qimencallback.server.plugin.HandlerStartException.class)
                .hasMessageContaining("plugins.erp and plugins.erp-wms");
    }

    // ---- the real command line, with plugin jars made here ----

    @Test
    void aPluginWhoseConstructorFailsStopsTheStartNamingItsClassJarAndCause(@TempDir Path dir) throws Exception {
        Path jar = PluginJars.build(dir, dir.resolve("plugins"), "acme.Broken", QimenHandler.class.getName(), """
                package acme;
                public final class Broken implements io.qimencallback.protocol.handler.QimenHandler {
                    public Broken() {
                        throw new IllegalStateException("ERP_URL missing", new RuntimeException("for 13812345678"));
                    }
                    public java.util.Set<String> methods() { return java.util.Set.of("acme.broken"); }
                    public io.qimencallback.protocol.QimenResponse handle(io.qimencallback.protocol.QimenRequest r) {
                        return null;
                    }
                }
                """);
        Exit e = serve(dir, Map.of("QIMEN_PLUGINS_DIR", dir.resolve("plugins").toString()));
        assertThat(e.code()).as(e.out()).isEqualTo(2);
        assertThat(e.out()).contains("handler error: cannot load handler plugin acme.Broken (", jar.toString(),
                        "its constructor failed: java.lang.IllegalStateException: ERP_URL missing;"
                                + " cause: java.lang.RuntimeException: for 138****5678")
                .doesNotContain("13812345678", "service address");
    }

    @Test
    void aPluginThatCannotBeLoadedStopsTheStartNamingTheJarThatListsIt(@TempDir Path dir) throws Exception {
        // a library left out of the jar: the handler's superclass is missing (NoClassDefFoundError, a LinkageError)
        Path unshaded = dir.resolve("unshaded");
        Path needy = PluginJars.build(dir, unshaded, "acme.Needy", QimenHandler.class.getName(), """
                package acme;
                public final class Needy extends Lib implements io.qimencallback.protocol.handler.QimenHandler {
                    public java.util.Set<String> methods() { return java.util.Set.of("acme.needy"); }
                    public io.qimencallback.protocol.QimenResponse handle(io.qimencallback.protocol.QimenRequest r) {
                        return null;
                    }
                }
                class Lib {
                }
                """);
        PluginJars.without(needy, "acme/Lib.class");
        Exit e = serve(dir, Map.of("QIMEN_PLUGINS_DIR", unshaded.toString()));
        assertThat(e.code()).as(e.out()).isEqualTo(2);
        assertThat(e.out()).contains("handler error: cannot load handler plugin acme.Needy (" + needy + "):",
                        "java.lang.NoClassDefFoundError: acme/Lib", "a class it needs is missing")
                .doesNotContain("\tat ", "Exception in thread", "service address");

        // a services entry naming a class the jar does not hold
        Path missing = dir.resolve("missing");
        Path ghost = PluginJars.build(dir, missing, "acme.Ghost", QimenHandler.class.getName(), """
                package acme;
                public final class Ghost {
                }
                """);
        PluginJars.without(ghost, "acme/Ghost.class");
        Exit m = serve(dir, Map.of("QIMEN_PLUGINS_DIR", missing.toString()));
        assertThat(m.code()).as(m.out()).isEqualTo(2);
        assertThat(m.out()).contains("handler error: cannot load handler plugin acme.Ghost (" + ghost + "):",
                "Provider acme.Ghost not found");

        // a class of the wrong type
        Path wrong = dir.resolve("wrong");
        Path plain = PluginJars.build(dir, wrong, "acme.Plain", QimenHandler.class.getName(), """
                package acme;
                public final class Plain {
                }
                """);
        Exit w = serve(dir, Map.of("QIMEN_PLUGINS_DIR", wrong.toString()));
        assertThat(w.code()).as(w.out()).isEqualTo(2);
        assertThat(w.out()).contains("handler error: cannot load handler plugin acme.Plain (" + plain + "):",
                "acme.Plain not a subtype");
    }

    @Test
    void aPluginWhoseStartFailsStopsTheStartBeforeThePortsOpen(@TempDir Path dir) throws Exception {
        Path jar = PluginJars.build(dir, dir.resolve("plugins"), "acme.Starter", QimenHandler.class.getName(), """
                package acme;
                public final class Starter implements io.qimencallback.protocol.handler.QimenHandler {
                    public java.util.Set<String> methods() { return java.util.Set.of("acme.starter"); }
                    public String name() { return "acme-erp"; }
                    public void start(io.qimencallback.protocol.handler.HandlerContext c) {
                        String url = c.settings().require("url");
                        throw new IllegalStateException("cannot reach " + url + "\\nfor receiver 13812345678");
                    }
                    public io.qimencallback.protocol.QimenResponse handle(io.qimencallback.protocol.QimenRequest r) {
                        return null;
                    }
                }
                """);
        Path yml = dir.resolve("qimen.yml");
        Files.writeString(yml, "plugins:\n  acme-erp:\n    url: http://erp.local\n");
        Exit e = serve(dir, Map.of("QIMEN_PLUGINS_DIR", dir.resolve("plugins").toString()), "--config", yml.toString());
        assertThat(e.code()).as(e.out()).isEqualTo(2);
        assertThat(e.out()).contains("plugin settings: acme-erp{url=http://erp.local}",
                        "handler error: handler acme.Starter (" + jar + ") failed to start:"
                                + " java.lang.IllegalStateException: cannot reach http://erp.local\\nfor receiver 138****5678")
                .doesNotContain("13812345678", "service address");

        Exit unset = serve(dir, Map.of("QIMEN_PLUGINS_DIR", dir.resolve("plugins").toString()));
        assertThat(unset.code()).as(unset.out()).isEqualTo(2);
        assertThat(unset.out()).contains("failed to start: java.lang.IllegalStateException: plugins.acme-erp.url is not"
                + " set (QIMEN_PLUGINS_ACME_ERP_URL in the environment");
    }

    private record Exit(int code, String out) {
    }

    /** {@code serve} on port 0 in a child JVM, which must exit by itself within 30 s. */
    private static Exit serve(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("QIMEN_"));
        pb.environment().put("QIMEN_PORT", "0");
        pb.environment().put("QIMEN_ADMIN_PORT", "0");
        pb.environment().put("QIMEN_DATA_DIR", dir.resolve("data").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
            return new Exit(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
