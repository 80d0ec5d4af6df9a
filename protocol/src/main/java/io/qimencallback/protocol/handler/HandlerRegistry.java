package io.qimencallback.protocol.handler;

import io.qimencallback.protocol.MethodNames;
import io.qimencallback.protocol.internal.privacy.ErrorText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which handler answers which (normalized) method: synchronous {@link QimenHandler}s and inbox consumers
 * ({@link InboxHandler}). Immutable; built once at startup.
 */
public final class HandlerRegistry {
    private final Map<String, Registration> byMethod;
    private final Map<String, InboxRegistration> inboxByMethod;

    private HandlerRegistry(Map<String, Registration> byMethod, Map<String, InboxRegistration> inboxByMethod) {
        this.byMethod = byMethod;
        this.inboxByMethod = inboxByMethod;
    }

    /** A handler and where it came from, for messages that name it. */
    public record Registration(QimenHandler handler, String source) {
    }

    /** An inbox consumer and where it came from. */
    public record InboxRegistration(InboxHandler handler, String source) {
    }

    /**
     * A registry to fill.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A registry with no handler: every call goes to the inbox.
     *
     * @return the registry
     */
    public static HandlerRegistry empty() {
        return new HandlerRegistry(Map.of(), Map.of());
    }

    /**
     * The handler for a normalized method name.
     *
     * @param normalizedMethod as {@link io.qimencallback.protocol.MethodNames#normalize} gives it
     * @return the handler, or empty
     */
    public Optional<QimenHandler> find(String normalizedMethod) {
        Registration r = byMethod.get(normalizedMethod);
        return r == null ? Optional.empty() : Optional.of(r.handler());
    }

    /** {@return normalized method name → registration, sorted by method} */
    public Map<String, Registration> registrations() {
        return byMethod;
    }

    /**
     * Normalized method names that a handler answers, sorted.
     *
     * @return the names
     */
    public Set<String> methods() {
        return byMethod.keySet();
    }

    /**
     * The inbox consumer for a normalized method name.
     *
     * @param normalizedMethod as {@link io.qimencallback.protocol.MethodNames#normalize} gives it
     * @return the consumer, or empty
     */
    public Optional<InboxHandler> findInbox(String normalizedMethod) {
        InboxRegistration r = inboxByMethod.get(normalizedMethod);
        return r == null ? Optional.empty() : Optional.of(r.handler());
    }

    /** {@return normalized method names that an inbox consumer takes, sorted} */
    public Set<String> inboxMethods() {
        return inboxByMethod.keySet();
    }

    /**
     * Normalized method name → inbox registration, sorted by method.
     *
     * @return the registrations
     */
    public Map<String, InboxRegistration> inboxRegistrations() {
        return inboxByMethod;
    }

    /** Collects handlers given in code or found as plugins; two claiming one method fail. */
    public static final class Builder {
        private final Map<String, Registration> byMethod = new LinkedHashMap<>();
        private final Map<String, InboxRegistration> inboxByMethod = new LinkedHashMap<>();

        /**
         * Registers a handler given in code.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder add(QimenHandler handler) {
            return add(handler, "code: " + handler.getClass().getName());
        }

        /**
         * Registers an inbox consumer given in code.
         *
         * @param handler the consumer
         * @return this builder
         */
        public Builder add(InboxHandler handler) {
            return add(handler, "code: " + handler.getClass().getName());
        }

        private Builder add(QimenHandler handler, String source) {
            Objects.requireNonNull(handler, "handler");
            for (String method : claims(handler.methods(), handler, source)) {
                byMethod.put(method, new Registration(handler, source));
            }
            return this;
        }

        private Builder add(InboxHandler handler, String source) {
            Objects.requireNonNull(handler, "handler");
            for (String method : claims(handler.methods(), handler, source)) {
                inboxByMethod.put(method, new InboxRegistration(handler, source));
            }
            return this;
        }

        /** The normalized methods a new handler claims; one method has one handler, synchronous or inbox. */
        private List<String> claims(Set<String> methods, Object handler, String source) {
            Objects.requireNonNull(methods, handler.getClass().getName() + ".methods()");
            if (methods.isEmpty()) {
                throw new IllegalStateException(source + " claims no method");
            }
            List<String> normalized = new ArrayList<>();
            for (String m : methods) {
                String method = MethodNames.normalize(m);
                Registration sync = byMethod.get(method);
                InboxRegistration inbox = inboxByMethod.get(method);
                Object previous = sync != null ? sync.handler() : inbox != null ? inbox.handler() : null;
                if (previous != null && previous != handler) {
                    throw new IllegalStateException("method " + method + " is claimed by two handlers: "
                            + (sync != null ? sync.source() : inbox.source()) + " and " + source);
                }
                normalized.add(method);
            }
            return normalized;
        }

        /**
         * Registers every {@link QimenHandler} and {@link InboxHandler} that {@link ServiceLoader} finds on the classpath and, when
         * {@code pluginsDir} is given, in the jars directly inside it.
         *
         * @param parent     the class loader the plugins' loader delegates to
         * @param pluginsDir the plugin directory, or null
         * @return this builder
         * @throws IllegalStateException when the directory is unreadable or a provider cannot be loaded or instantiated:
         *                               the message names the class, its jar and the cause (masked)
         */
        public Builder discover(ClassLoader parent, Path pluginsDir) {
            ClassLoader loader = pluginsDir == null ? parent : pluginLoader(parent, pluginsDir);
            for (QimenHandler h : load(QimenHandler.class, loader)) {
                explained(h, () -> add(h, describe(h.getClass())));
            }
            for (InboxHandler h : load(InboxHandler.class, loader)) {
                explained(h, () -> add(h, describe(h.getClass())));
            }
            return this;
        }

        /** Registers a loaded handler; its {@code methods()} may be the first code to need a missing library. */
        private static void explained(Object handler, Runnable add) {
            try {
                add.run();
            } catch (LinkageError e) {
                throw missingClass(describe(handler.getClass()), e);
            }
        }

        /** A class the plugin's code needs is not on its class path: most often a library left out of its jar. */
        private static IllegalStateException missingClass(String plugin, LinkageError e) {
            return new IllegalStateException("cannot load handler plugin " + plugin + ": " + ErrorText.of(e)
                    + " (a class it needs is missing: ship its libraries inside the plugin jar, or as jars beside it"
                    + " in the plugins directory)", e);
        }

        /**
         * Every provider, instantiated. A failing constructor is reported with the real cause, not ServiceLoader's
         * "Provider ... could not be instantiated" alone.
         */
        private static <S> List<S> load(Class<S> service, ClassLoader loader) {
            List<S> out = new ArrayList<>();
            List<String> loaded = new ArrayList<>();
            Iterator<ServiceLoader.Provider<S>> providers = ServiceLoader.load(service, loader).stream().iterator();
            while (true) {
                ServiceLoader.Provider<S> provider;
                try {
                    if (!providers.hasNext()) {
                        return out;
                    }
                    provider = providers.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    // a listed class that is missing, of the wrong type, without a public no-argument constructor,
                    // or whose superclass is missing (NoClassDefFoundError): there is no class to name a jar by, so
                    // the jar is the one whose service file lists it
                    String plugin = failing(service, loader, loaded, e);
                    throw e instanceof LinkageError missing ? missingClass(plugin, missing)
                            : new IllegalStateException("cannot load handler plugin " + plugin + ": " + ErrorText.of(e), e);
                }
                try {
                    out.add(provider.get());
                    loaded.add(provider.type().getName());
                } catch (ServiceConfigurationError e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new IllegalStateException("cannot load handler plugin " + describe(provider.type())
                            + ": its constructor failed: " + ErrorText.of(cause), e);
                } catch (LinkageError e) {
                    throw missingClass(describe(provider.type()), e);
                }
            }
        }

        /**
         * {@code acme.Ghost (/opt/qimen/plugins/acme-1.0.jar)}: the provider ServiceLoader failed on, and the jar (or
         * directory) whose {@code META-INF/services} file lists it. The class named in the error when it is listed,
         * else the first listed class not yet loaded (the order ServiceLoader reads them in); unknown when the service
         * files cannot be read.
         */
        private static String failing(Class<?> service, ClassLoader loader, List<String> loaded, Throwable error) {
            Map<String, String> listed = new LinkedHashMap<>(); // class → where its service file is
            try {
                Iterator<URL> files = loader.getResources("META-INF/services/" + service.getName()).asIterator();
                while (files.hasNext()) {
                    URL file = files.next();
                    String text;
                    try (InputStream in = file.openStream()) {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    for (String line : text.split("\\R")) {
                        String name = line.replaceFirst("#.*", "").trim();
                        if (!name.isEmpty()) {
                            listed.putIfAbsent(name, origin(file));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                return "(a " + service.getSimpleName() + " listed in a META-INF/services file)";
            }
            String message = String.valueOf(error.getMessage());
            String named = listed.keySet().stream()
                    .filter(n -> Pattern.compile("\\b" + Pattern.quote(n) + "\\b").matcher(message).find()).findFirst()
                    .orElseGet(() -> listed.keySet().stream().filter(n -> !loaded.contains(n)).findFirst().orElse(null));
            return named == null ? "(a " + service.getSimpleName() + " listed in a META-INF/services file)"
                    : named + " (" + listed.get(named) + ")";
        }

        /** The jar of {@code jar:file:/p/x.jar!/META-INF/services/...}, the directory of a plain file URL. */
        private static String origin(URL serviceFile) {
            String s = serviceFile.toString();
            String suffix = "META-INF/services/";
            try {
                if (s.startsWith("jar:") && s.contains("!/")) {
                    return Path.of(new URL(s.substring(4, s.indexOf("!/"))).toURI()).toString();
                }
                return Path.of(new URL(s.substring(0, s.lastIndexOf(suffix))).toURI()).toString();
            } catch (MalformedURLException | URISyntaxException | RuntimeException e) {
                return s;
            }
        }

        /**
         * The registry, methods sorted.
         *
         * @return the registry
         */
        public HandlerRegistry build() {
            Map<String, Registration> sorted = new LinkedHashMap<>();
            byMethod.keySet().stream().sorted().forEach(m -> sorted.put(m, byMethod.get(m)));
            Map<String, InboxRegistration> inboxSorted = new LinkedHashMap<>();
            inboxByMethod.keySet().stream().sorted().forEach(m -> inboxSorted.put(m, inboxByMethod.get(m)));
            return new HandlerRegistry(Collections.unmodifiableMap(sorted), Collections.unmodifiableMap(inboxSorted));
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

        /** {@code acme.Wms (/opt/qimen/plugins/acme-wms-1.0.jar)}: a class and where it was loaded from. */
        private static String describe(Class<?> type) {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            String where = cs == null || cs.getLocation() == null ? "classpath" : cs.getLocation().getPath();
            return type.getName() + " (" + where + ")";
        }
    }
}
