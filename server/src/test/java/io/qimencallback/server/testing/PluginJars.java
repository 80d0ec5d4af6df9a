package io.qimencallback.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** A handler plugin jar made by the test: one class compiled from source, listed in its service file. */
public final class PluginJars {
    private PluginJars() {
    }

    /**
     * @param className e.g. {@code acme.Broken}; {@code source} is its whole compilation unit
     * @param service   the SPI it implements, e.g. {@code io.qimencallback.protocol.handler.QimenHandler}
     * @return the jar, {@code <simple name in lower case>-1.0.jar} in {@code plugins}
     */
    public static Path build(Path work, Path plugins, String className, String service, String source)
            throws IOException {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        Path src = Files.createDirectories(work.resolve("src-" + simple));
        Path classes = Files.createDirectories(work.resolve("classes-" + simple));
        Path file = src.resolve(simple + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                file.toString());
        assertThat(rc).as("javac " + className).isZero();
        Files.createDirectories(plugins);
        Path jar = plugins.resolve(simple.toLowerCase() + "-1.0.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> compiled = Files.walk(classes)) {
            for (Path c : (Iterable<Path>) compiled.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                Files.copy(c, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + service));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** Rewrites {@code jar} without one of its entries (e.g. {@code acme/Lib.class}: a library left out of it). */
    public static void without(Path jar, String entry) throws IOException {
        Path copy = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (JarFile in = new JarFile(jar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy))) {
            boolean found = false;
            for (JarEntry e : (Iterable<JarEntry>) in.stream()::iterator) {
                if (e.getName().equals(entry)) {
                    found = true;
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            assertThat(found).as(entry + " in " + jar).isTrue();
        }
        Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
