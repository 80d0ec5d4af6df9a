package io.qimencallback.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code help [VERB [VERB]]}: the usage of the command line, of a verb, or of a verb's verb ({@code help inbox list}). */
@Command(name = "help", helpCommand = true,
        description = "Show the usage of the command line, or of a verb (e.g. help send, help inbox list).")
public final class HelpCommand implements Callable<Integer> {

    @Parameters(paramLabel = "VERB", arity = "0..*", description = "The verb to show, and its own verb if it has"
            + " some (e.g. inbox list).")
    private List<String> verbs = new ArrayList<>();

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine target = spec.root().commandLine();
        for (String verb : verbs) {
            CommandLine sub = target.getSubcommands().get(verb);
            if (sub == null) {
                throw new ParameterException(spec.commandLine(), "no verb '" + verb + "' in "
                        + target.getCommandSpec().qualifiedName(" ") + " (verbs: "
                        + String.join(", ", target.getSubcommands().keySet()) + ")");
            }
            target = sub;
        }
        target.usage(spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
