package io.qimencallback.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Loader;
import org.slf4j.Logger;

/**
 * The server's logging, configured in code rather than by a {@code logback.xml} (parsing one took a third of the
 * start-up time): console output through an asynchronous queue, so that a slow console never stalls a request;
 * levels from {@code QIMEN_LOG_LEVEL} (default INFO) and {@code QIMEN_ACCESS_LOG_LEVEL} (the {@code qimen.access}
 * logger, default INFO; either may also be given as a system property). A {@code logback.xml} on the classpath, or
 * {@code -Dlogback.configurationFile}, takes precedence. The command-line tools ({@code inbox}, {@code send}, ...) set
 * {@link #TOOL_PROPERTY}: they log warnings only, to standard error, so that their output stays clean for pipes.
 */
public final class LogbackSetup extends ContextAwareBase implements Configurator {
    /** System property: set (to anything) before the first log call to log as a command-line tool. */
    public static final String TOOL_PROPERTY = "qimen.log.tool";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || Loader.getResource("logback.xml", getClass().getClassLoader()) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} %msg%n");
        encoder.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        boolean tool = System.getProperty(TOOL_PROPERTY) != null;
        console.setName(tool ? "STDERR" : "STDOUT");
        console.setTarget(tool ? "System.err" : "System.out");
        console.setEncoder(encoder);
        console.start();

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(console);
        async.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("QIMEN_LOG_LEVEL", tool ? Level.WARN : Level.INFO));
        root.addAppender(async);
        context.getLogger("io.netty").setLevel(Level.WARN);
        // the inbox logs what its pool and schema migration did in its own words
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        // the kafka target's producer prints its whole configuration at INFO
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        context.getLogger("qimen.access").setLevel(level("QIMEN_ACCESS_LOG_LEVEL", Level.INFO));

        // flushes the queue when the JVM exits (the SIGTERM drain ends in System.exit)
        DefaultShutdownHook hook = new DefaultShutdownHook();
        hook.setContext(context);
        Runtime.getRuntime().addShutdownHook(new Thread(hook, "logback-shutdown"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Level level(String variable, Level fallback) {
        String v = System.getenv(variable);
        if (v == null || v.isBlank()) {
            v = System.getProperty(variable);
        }
        return Level.toLevel(v, fallback);
    }
}
