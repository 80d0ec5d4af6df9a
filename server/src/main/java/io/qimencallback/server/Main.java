package io.qimencallback.server;

import io.qimencallback.server.cli.BuildVersion;
import io.qimencallback.server.cli.CompletionCommand;
import io.qimencallback.server.cli.HelpCommand;
import io.qimencallback.server.cli.InboxCommand;
import io.qimencallback.server.cli.SelftestCommand;
import io.qimencallback.server.cli.SendCommand;
import io.qimencallback.server.cli.ServeCommand;
import io.qimencallback.server.cli.SignCommand;
import io.qimencallback.server.cli.UsageErrors;
import io.qimencallback.server.cli.VerifyCommand;
import io.qimencallback.server.cli.WaitReadyCommand;
import io.qimencallback.server.logging.LogbackSetup;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar qimen-server.jar [serve|sign|send|selftest|verify|inbox|wait-ready|help|completion] ...}; no verb runs the server. */
@Command(name = "qimen-server", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "A Qimen (奇门) service address: verifies gateway signatures, dispatches to ERP handlers.",
        subcommands = {ServeCommand.class, SignCommand.class, SendCommand.class, SelftestCommand.class,
                VerifyCommand.class, InboxCommand.class, WaitReadyCommand.class, HelpCommand.class,
                CompletionCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML settings file (environment variables override it).")
    private Path config;

    @Override
    public Integer call() {
        return ServeCommand.serve(config);
    }

    public static void main(String[] args) {
        // before Netty loads: with the jar's Add-Opens, direct buffers are allocated without a Cleaner and counted by
        // Netty, so running out fails the one allocation at once instead of sleeping in Bits.reserveMemory
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
        Optional<Optional<Path>> serve = plainServe(args);
        if (serve.isPresent()) {
            // the common case skips the command-line parser: building its model costs a quarter of the start-up
            System.exit(ServeCommand.serve(serve.get().orElse(null)));
        }
        if (args.length > 0 && !args[0].startsWith("-") && !args[0].equals("serve")) {
            System.setProperty(LogbackSetup.TOOL_PROPERTY, "true"); // before anything logs
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@link #main} runs it: bad input is one line and a usage hint, exit 2. */
    public static CommandLine commandLine() {
        UsageErrors errors = new UsageErrors();
        return new CommandLine(new Main())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .registerConverter(Charset.class, UsageErrors::charset);
    }

    /** For {@code [serve] [--config FILE | --config=FILE]}: the config file, if any; empty for anything else. */
    static Optional<Optional<Path>> plainServe(String[] args) {
        int i = args.length > 0 && args[0].equals("serve") ? 1 : 0;
        if (args.length == i) {
            return Optional.of(Optional.empty());
        }
        if (args.length == i + 2 && args[i].equals("--config")) {
            return Optional.of(Optional.of(Path.of(args[i + 1])));
        }
        if (args.length == i + 1 && args[i].startsWith("--config=") && args[i].length() > "--config=".length()) {
            return Optional.of(Optional.of(Path.of(args[i].substring("--config=".length()))));
        }
        return Optional.empty();
    }
}
