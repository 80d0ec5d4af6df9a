package io.qimencallback.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A plugin compiles against the exported packages only: none of their signatures may name a type it cannot see. */
class ExportedApiTest {

    @Test
    void exportedSignaturesNameNoInternalType() throws Exception {
        Path classes = Path.of(QimenRequest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> exported = exportedPackages(classes);
        assertThat(exported).contains("io.qimencallback.protocol", "io.qimencallback.protocol.handler",
                "io.qimencallback.protocol.model");
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (Class<?> c : classes(classes, exported)) {
            if (!visible(c)) {
                continue;
            }
            checked++;
            List<Type> types = new ArrayList<>();
            types.add(c.getGenericSuperclass());
            types.addAll(List.of(c.getGenericInterfaces()));
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(leaks, c.getName() + "." + m.getName(), m.getGenericReturnType(), m.getGenericParameterTypes(),
                            m.getGenericExceptionTypes());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && !k.isSynthetic()) {
                    check(leaks, c.getName() + ".<init>", null, k.getGenericParameterTypes(), k.getGenericExceptionTypes());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    types.add(f.getGenericType());
                }
            }
            check(leaks, c.getName(), null, types.toArray(Type[]::new), new Type[0]);
        }
        assertThat(checked).as("classes checked").isGreaterThan(30);
        assertThat(leaks).isEmpty();
    }

    private static void check(List<String> leaks, String where, Type result, Type[] params, Type[] thrown) {
        List<Type> all = new ArrayList<>();
        if (result != null) {
            all.add(result);
        }
        all.addAll(Arrays.asList(params)); // an interface's superclass is null
        all.addAll(Arrays.asList(thrown));
        for (Type t : all) {
            if (t != null && t.getTypeName().contains(".internal.")) {
                leaks.add(where + ": " + t.getTypeName());
            }
        }
    }

    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static Set<String> exportedPackages(Path classes) {
        ModuleDescriptor d = ModuleFinder.of(classes).findAll().iterator().next().descriptor();
        return d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
    }

    private static List<Class<?>> classes(Path root, Set<String> packages) throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replace('\\', '.');
                name = name.substring(0, name.length() - ".class".length());
                int dot = name.lastIndexOf('.');
                if (dot > 0 && packages.contains(name.substring(0, dot))) {
                    out.add(Class.forName(name, false, ExportedApiTest.class.getClassLoader()));
                }
            }
        }
        return out;
    }
}
