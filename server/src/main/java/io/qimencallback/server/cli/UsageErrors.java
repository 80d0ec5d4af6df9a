package io.qimencallback.server.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What every verb does with bad input: one line saying what is wrong, one line with the verb's usage, exit 2 — never
 * the whole help, never a stack trace. An unexpected failure is one line too (exit 1).
 */
public final class UsageErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
    /** The exit code of bad usage, for every verb. */
    public static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = oneLine(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean: " + String.join(", ", suggestions) + "?)";
            }
        }
        return report(cmd, message);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        // what the verbs throw for input they cannot use: an unreadable file, a value out of range
        if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException) {
            return report(cmd, oneLine(ex.getMessage()));
        }
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName(" ") + ": failed: " + ex.getClass().getSimpleName() + ": "
                + oneLine(ex.getMessage()));
        err.flush();
        return 1;
    }

    private static int report(CommandLine cmd, String message) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName(" ") + ": " + message);
        err.println(hint(cmd.getCommandSpec()));
        err.flush();
        return USAGE;
    }

    /** {@code Usage: qimen-server inbox show [OPTIONS] ID (more: qimen-server help inbox show)}. */
    static String hint(CommandSpec spec) {
        StringBuilder s = new StringBuilder("Usage: ").append(spec.qualifiedName(" "));
        if (!spec.subcommands().isEmpty()) {
            s.append(" VERB");
        }
        if (!spec.options().isEmpty()) {
            s.append(" [OPTIONS]");
        }
        spec.positionalParameters().forEach(p -> {
            String label = p.paramLabel() + (p.arity().max() > 1 ? "..." : "");
            s.append(' ').append(p.arity().min() == 0 ? "[" + label + "]" : label);
        });
        String root = spec.root().name();
        String path = spec.qualifiedName(" ").substring(root.length());
        return s.append("  (more: ").append(root).append(" help").append(path).append(')').toString();
    }

    /** {@code --charset}: a charset the JDK knows, or one line saying it does not. */
    public static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) { // unsupported or illegal name
            throw new TypeConversionException("unknown charset '" + name + "' (e.g. UTF-8, GBK)");
        }
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
