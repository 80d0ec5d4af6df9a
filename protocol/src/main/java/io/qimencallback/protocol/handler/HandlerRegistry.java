package io.qimencallback.protocol.handler;

import io.qimencallback.protocol.MethodNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/** Which handler answers which (normalized) method. Immutable; built once at startup. */
public final class HandlerRegistry {
    private final Map<String, Registration> byMethod;

    private HandlerRegistry(Map<String, Registration> byMethod) {
        this.byMethod = byMethod;
    }

    /** A handler and where it came from, for messages that name it. */
    public record Registration(QimenHandler handler, String source) {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static HandlerRegistry empty() {
        return new HandlerRegistry(Map.of());
    }

    /** The handler for a normalized method name. */
    public Optional<QimenHandler> find(String normalizedMethod) {
        Registration r = byMethod.get(normalizedMethod);
        return r == null ? Optional.empty() : Optional.of(r.handler());
    }

    /** Normalized method name → registration, sorted by method. */
    public Map<String, Registration> registrations() {
        return byMethod;
    }

    public Set<String> methods() {
        return byMethod.keySet();
    }

    public static final class Builder {
        private final Map<String, Registration> byMethod = new LinkedHashMap<>();

        /** Registers a handler given in code. */
        public Builder add(QimenHandler handler) {
            return add(handler, "code: " + handler.getClass().getName());
        }

        private Builder add(QimenHandler handler, String source) {
            Objects.requireNonNull(handler, "handler");
            Set<String> methods = Objects.requireNonNull(handler.methods(), handler.getClass().getName() + ".methods()");
            if (methods.isEmpty()) {
                throw new IllegalStateException(source + " claims no method");
            }
            for (String m : methods) {
                String method = MethodNames.normalize(m);
                Registration previous = byMethod.get(method);
                if (previous != null && previous.handler() != handler) {
                    throw new IllegalStateException("method " + method + " is claimed by two handlers: "
                            + previous.source() + " and " + source);
                }
                byMethod.put(method, new Registration(handler, source));
            }
            return this;
        }

        /**
         * Registers every {@link QimenHandler} that {@link ServiceLoader} finds on the classpath and, when
         * {@code pluginsDir} is given, in the jars directly inside it.
         *
         * @throws IllegalStateException when the directory is unreadable or a provider cannot be instantiated
         */
        public Builder discover(ClassLoader parent, Path pluginsDir) {
            ClassLoader loader = pluginsDir == null ? parent : pluginLoader(parent, pluginsDir);
            try {
                for (QimenHandler h : ServiceLoader.load(QimenHandler.class, loader)) {
                    add(h, describe(h));
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("cannot load a handler plugin: " + e.getMessage(), e);
            }
            return this;
        }

        public HandlerRegistry build() {
            Map<String, Registration> sorted = new LinkedHashMap<>();
            byMethod.keySet().stream().sorted().forEach(m -> sorted.put(m, byMethod.get(m)));
            return new HandlerRegistry(Collections.unmodifiableMap(sorted));
        }

        private static ClassLoader pluginLoader(ClassLoader parent, Path dir) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("plugins directory " + dir + " does not exist or is not a directory");
            }
            List<URL> jars = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".jar")).sorted()::iterator) {
                    jars.add(p.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list plugins directory " + dir, e);
            }
            return new URLClassLoader("qimen-plugins", jars.toArray(URL[]::new), parent);
        }

        private static String describe(QimenHandler h) {
            CodeSource cs = h.getClass().getProtectionDomain().getCodeSource();
            String where = cs == null || cs.getLocation() == null ? "classpath" : cs.getLocation().getPath();
            return h.getClass().getName() + " (" + where + ")";
        }
    }
}
