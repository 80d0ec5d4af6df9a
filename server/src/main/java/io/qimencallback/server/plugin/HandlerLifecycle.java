package io.qimencallback.server.plugin;

import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import io.qimencallback.protocol.internal.privacy.ErrorText;
import io.qimencallback.server.call.Redacted;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.config.Setting;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers' lifecycle: {@code start(context)} once per handler instance before the server takes calls, in the
 * order of the registry, each with its {@code plugins.<name>} settings; {@code close()} once per started handler, in
 * the reverse order, when the server has stopped. The start also prints each settings section that has values
 * (secrets masked) and warns of sections, and {@code QIMEN_PLUGINS_*} variables, that no handler's name matches.
 */
public final class HandlerLifecycle {
    private static final Logger log = LoggerFactory.getLogger(HandlerLifecycle.class);
    private static final String ENV_PREFIX = "QIMEN_PLUGINS_";

    private final List<Entry> started;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HandlerLifecycle(List<Entry> started) {
        this.started = started;
    }

    /** One handler instance and where it came from (its class and jar). */
    private record Entry(Object handler, String source) {
        /** The handler's name; an anonymous class's (no simple name) is its class name without the package. */
        String name() {
            String name = handler instanceof QimenHandler q ? q.name() : ((InboxHandler) handler).name();
            if (name != null && !name.isBlank()) {
                return name;
            }
            String type = handler.getClass().getName();
            return type.substring(type.lastIndexOf('.') + 1);
        }

        void start(PluginContext context) throws Exception {
            if (handler instanceof QimenHandler q) {
                q.start(context);
            } else {
                ((InboxHandler) handler).start(context);
            }
        }

        void close() throws Exception {
            if (handler instanceof QimenHandler q) {
                q.close();
            } else {
                ((InboxHandler) handler).close();
            }
        }
    }

    /**
     * Starts every handler of the registry, on this thread.
     *
     * @throws HandlerStartException naming the handler's class, its jar and the cause (masked), once those started
     *                               before it are closed again
     */
    public static HandlerLifecycle start(HandlerRegistry handlers, ServerConfig config, MeterRegistry meters) {
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(meters, "meters");
        List<Entry> entries = entries(handlers);
        requireSeparateSettings(entries, config);
        List<Entry> started = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Entry e : entries) {
            try {
                String name = e.name();
                Section settings = config.pluginSettings(name);
                if (names.add(name) && !settings.keys().isEmpty()) {
                    log.info("plugin settings: {} (plugins.{} in the file, {}* in the environment)", settings, name,
                            Section.envPrefix("plugins", name));
                }
                Logger logger = new MaskingLogger(LoggerFactory.getLogger(loggerName(name)));
                e.start(new PluginContext(settings, logger, meters));
                started.add(e);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                closeAll(started);
                throw new HandlerStartException("handler " + e.source() + " failed to start: " + ErrorText.of(t), t);
            }
        }
        warnUnused(config, names);
        return new HandlerLifecycle(Collections.unmodifiableList(started));
    }

    /**
     * No handler's settings may take another's variables: the handlers' names and the file's sections, refused
     * before any handler starts when one's {@code QIMEN_PLUGINS_<NAME>_} begins another's.
     */
    private static void requireSeparateSettings(List<Entry> entries, ServerConfig config) {
        Set<String> all = new LinkedHashSet<>(config.pluginSectionNames());
        for (Entry e : entries) {
            try {
                all.add(e.name());
            } catch (RuntimeException t) {
                // reported, with the handler's jar, where it starts
            }
        }
        try {
            Section.requireSeparatePrefixes("plugins", all);
        } catch (ConfigException e) {
            throw new HandlerStartException(e.getMessage(), e);
        }
    }

    /** {@code qimen.plugin.<name>}: what {@code QimenHandler.name()} promises; one logger per settings section. */
    static String loggerName(String handlerName) {
        return "qimen.plugin." + handlerName;
    }

    /** Every handler instance once, synchronous ones first, each in the order of its methods. */
    private static List<Entry> entries(HandlerRegistry handlers) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        List<Entry> out = new ArrayList<>();
        handlers.registrations().values().forEach(r -> {
            if (seen.put(r.handler(), Boolean.TRUE) == null) {
                out.add(new Entry(r.handler(), r.source()));
            }
        });
        handlers.inboxRegistrations().values().forEach(r -> {
            if (seen.put(r.handler(), Boolean.TRUE) == null) {
                out.add(new Entry(r.handler(), r.source()));
            }
        });
        return out;
    }

    /** A section nobody reads is a typo or a plugin that is not installed: said once, at start. */
    private static void warnUnused(ServerConfig config, Set<String> names) {
        List<String> declared = new ArrayList<>(names);
        for (String section : config.pluginSectionNames()) {
            if (!names.contains(section)) {
                log.warn("plugins.{}: no handler is named {} (handler names: {}); these settings are not used",
                        section, section, declared);
            }
        }
        Set<String> prefixes = new LinkedHashSet<>();
        names.forEach(n -> prefixes.add(Section.envPrefix("plugins", n)));
        config.environment().keySet().stream().sorted()
                .filter(k -> k.startsWith(ENV_PREFIX) && !k.startsWith(Setting.PLUGINS_DIR.env()))
                .filter(k -> prefixes.stream().noneMatch(k::startsWith))
                .forEach(k -> log.warn("{} is set, but no handler's name matches it (handler names: {}); it is not used",
                        k, declared));
    }

    /** Closes every started handler once, in the reverse order; failures are logged. Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(started);
        }
    }

    private static void closeAll(List<Entry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            try {
                e.close();
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                log.warn("handler {} failed to close: {}", e.source(), ErrorText.of(t), Redacted.of(t));
            }
        }
    }

    /** Handler instances started (and not yet closed). */
    public int size() {
        return closed.get() ? 0 : started.size();
    }
}
