package io.qimencallback.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The app secret, as every command that signs or verifies takes it: an option, or the environment. */
final class SecretOption {

    @Option(names = "--secret", defaultValue = "${env:QIMEN_SECRET}",
            description = "The app secret (default: environment variable QIMEN_SECRET, which keeps it out of ps and shell history).")
    private String secret;

    /** The secret; picocli prints the message and exits 2 when there is none. */
    String require(CommandSpec spec) {
        if (secret == null || secret.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing the secret: --secret or QIMEN_SECRET");
        }
        return secret;
    }
}
