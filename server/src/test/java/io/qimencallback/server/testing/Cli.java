package io.qimencallback.server.testing;

import io.qimencallback.server.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the command line in this JVM, as a user would type it, capturing what it prints on standard output. */
public final class Cli {
    private Cli() {
    }

    public record Run(int exit, String out) {
    }

    // System.out is global: one run at a time
    public static synchronized Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
