package io.qimencallback.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The events of some loggers, as written: {@code try (LogCapture log = LogCapture.of(CallProcessor.class)) {...}}.
 * While capturing, those loggers log from INFO up (the tests' JVM logs only warnings) and only here.
 */
public final class LogCapture implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture() {
        appender.start();
    }

    /** Loggers by class or by name. */
    public static LogCapture of(Object... loggers) {
        LogCapture c = new LogCapture();
        for (Object o : loggers) {
            Logger l = (Logger) (o instanceof Class<?> type ? LoggerFactory.getLogger(type)
                    : LoggerFactory.getLogger((String) o));
            c.loggers.add(l);
            c.levels.add(l.getLevel());
            l.setLevel(Level.INFO);
            l.setAdditive(false);
            l.addAppender(c.appender);
        }
        return c;
    }

    public List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase appends under this lock
            return List.copyOf(appender.list);
        }
    }

    /** Each event as one text: level, formatted message, then its exception's lines (class, message, frames). */
    public List<String> lines() {
        return events().stream().map(LogCapture::text).toList();
    }

    /** Everything captured, one event a line. */
    public String all() {
        return String.join("\n", lines());
    }

    static String text(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(e.getLevel().toString()).append(' ').append(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            b.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy f : t.getStackTraceElementProxyArray()) {
                b.append("\n\t").append(f.getSTEAsString());
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            Logger l = loggers.get(i);
            l.detachAppender(appender);
            l.setLevel(levels.get(i));
            l.setAdditive(true);
        }
        appender.stop();
    }
}
