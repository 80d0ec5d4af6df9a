package io.qimencallback.server;

import io.qimencallback.server.cli.SendCommand;
import io.qimencallback.server.cli.ServeCommand;
import io.qimencallback.server.cli.SignCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar qimen-server.jar [serve|sign|send] ...}; no verb runs the server. */
@Command(name = "qimen-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A Qimen (奇门) service address: verifies gateway signatures, dispatches to ERP handlers.",
        subcommands = {ServeCommand.class, SignCommand.class, SendCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML settings file (environment variables override it).")
    private Path config;

    @Override
    public Integer call() {
        return ServeCommand.serve(config);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"qimen-server " + (v == null ? "dev" : v)};
        }
    }
}
