package io.qimencallback.protocol.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.QimenRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler that exists only inside a jar in the plugins directory, compiled and packaged by the test. */
class PluginDirectoryTest {

    @Test
    void handlerInAPluginJarIsFoundAndNamedByItsJar(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = pluginJar(tmp, plugins, "acme.AcmeWms", "entryorder.create");

        HandlerRegistry registry = HandlerRegistry.builder().discover(getClass().getClassLoader(), plugins).build();

        QimenHandler handler = registry.find("entryorder.create").orElseThrow();
        assertThat(handler.getClass().getName()).isEqualTo("acme.AcmeWms");
        assertThat(handler.handle(QimenRequest.builder("entryorder.create").build()).message()).isEqualTo("from acme.AcmeWms");
        assertThat(registry.registrations().get("entryorder.create").source()).contains(jar.getFileName().toString());
        assertThat(registry.find("test.ping")).as("classpath handlers still found").isPresent();
    }

    @Test
    void twoPluginsClaimingOneMethodFailStartupNamingBoth(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(tmp, plugins, "acme.First", "taobao.qimen.deliveryorder.create");
        pluginJar(tmp, plugins, "acme.Second", "deliveryorder.create");

        assertThatThrownBy(() -> HandlerRegistry.builder().discover(getClass().getClassLoader(), plugins))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deliveryorder.create")
                .hasMessageContaining("acme.First")
                .hasMessageContaining("acme.Second");
    }

    @Test
    void missingDirectoryIsAClearError(@TempDir Path tmp) {
        assertThatThrownBy(() -> HandlerRegistry.builder().discover(getClass().getClassLoader(), tmp.resolve("nope")))
                .hasMessageContaining("plugins directory").hasMessageContaining("nope");
    }

    /** Compiles one handler class answering {@code method} and packages it with its service file. */
    private static Path pluginJar(Path tmp, Path plugins, String className, String method) throws IOException {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        Path src = Files.createDirectories(tmp.resolve("src-" + simple));
        Path classes = Files.createDirectories(tmp.resolve("classes-" + simple));
        Path file = src.resolve(simple + ".java");
        Files.writeString(file, """
                package acme;
                public final class %s implements io.qimencallback.protocol.handler.QimenHandler {
                    public java.util.Set<String> methods() { return java.util.Set.of("%s"); }
                    public io.qimencallback.protocol.QimenResponse handle(io.qimencallback.protocol.QimenRequest r) {
                        return io.qimencallback.protocol.QimenResponse.success("from %s");
                    }
                }
                """.formatted(simple, method, className));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                file.toString());
        assertThat(rc).isZero();
        Path jar = plugins.resolve(simple.toLowerCase() + "-1.0.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> compiled = Files.walk(classes)) {
            for (Path c : (Iterable<Path>) compiled.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                Files.copy(c, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + QimenHandler.class.getName()));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
