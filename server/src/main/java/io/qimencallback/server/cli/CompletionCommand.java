package io.qimencallback.server.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints the bash completion script, generated from the very verbs and options this jar has. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the bash completion script for the command qimen-server (zsh: after bashcompinit).",
                "  alias qimen-server='java -jar /path/to/qimen-server.jar'",
                "  source <(qimen-server completion)"})
public final class CompletionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        spec.commandLine().getOut().print(AutoComplete.bash(root.name(), root.commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
