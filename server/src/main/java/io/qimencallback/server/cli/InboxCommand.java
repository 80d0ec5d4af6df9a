package io.qimencallback.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.inbox.InboxConfig;
import io.qimencallback.server.inbox.InboxEntry;
import io.qimencallback.server.inbox.InboxJson;
import io.qimencallback.server.inbox.InboxQuery;
import io.qimencallback.server.inbox.InboxStatus;
import io.qimencallback.server.inbox.ManualChange;
import io.qimencallback.server.inbox.InboxStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The inbox from the command line, reading the same configuration as the server ({@code --config} and the
 * environment): the SQLite file in {@code data_dir} — beside a running server, thanks to WAL — or the PostgreSQL inbox.
 */
@Command(name = "inbox", mixinStandardHelpOptions = true,
        description = "Read, acknowledge, retry and export inbox entries.",
        subcommands = {InboxCommand.ListEntries.class, InboxCommand.Show.class, InboxCommand.Ack.class,
                InboxCommand.Retry.class, InboxCommand.Export.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:no such entry, or it cannot change that way", "2:bad usage or configuration",
                "3:the inbox cannot be read"})
public final class InboxCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--config", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "YAML settings file, as for serve (environment variables override it).")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** What a verb does with the opened store; its exit code. */
    @FunctionalInterface
    interface Action {
        int run(InboxStore store, PrintWriter out, PrintWriter err) throws SQLException, IOException;
    }

    int withStore(Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig cfg;
        try {
            cfg = ConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
        InboxConfig inbox = cfg.inbox();
        if (inbox.url().isBlank() && !Files.exists(inbox.dataDir().resolve("inbox.db"))) {
            // not a fresh empty inbox in the wrong directory: say where it was looked for
            err.println("no inbox at " + inbox.dataDir().resolve("inbox.db").toAbsolutePath() + " (run where the server"
                    + " runs, or give its --config / QIMEN_DATA_DIR)");
            return 3;
        }
        // a command needs one connection, not the server's pool
        try (InboxStore store = InboxStore.open(inbox.withPoolSize(1))) {
            int code = action.run(store, out, err);
            out.flush();
            return code;
        } catch (IllegalStateException | SQLException | IOException | UncheckedIOException e) {
            err.println("cannot read the inbox (" + inbox.where() + "): " + e.getMessage());
            return 3;
        }
    }

    static InboxStatus status(String s) {
        return s == null ? null : InboxStatus.parse(s);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Entries, newest first, as a table.")
    static final class ListEntries implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Option(names = "--status", description = "new, processing, done, failed or dead.")
        String status;

        @Option(names = "--method", description = "Normalized method, e.g. deliveryorder.create.")
        String method;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            return parent.withStore((store, out, err) -> {
                List<InboxEntry> entries = store.list(new InboxQuery(status(status), method, null, 0, Math.max(1, limit)));
                out.printf("%-8s %-24s %-28s %-12s %-24s %-10s %-3s %s%n", "ID", "RECEIVED", "METHOD", "CUSTOMER",
                        "BUSINESS KEY", "STATUS", "TRY", "LAST ERROR");
                for (InboxEntry e : entries) {
                    ObjectNode j = InboxJson.summary(e, false);
                    String error = j.path("lastError").asText("");
                    out.printf("%-8d %-24s %-28s %-12s %-24s %-10s %-3d %s%n", e.id(), e.received(), e.method(),
                            e.customerId(), j.get("businessKey").asText(), e.status().dbName(), e.attempts(),
                            error.length() > 60 ? error.substring(0, 60) + "…" : error);
                }
                Map<InboxStatus, Long> counts = store.counts();
                out.println();
                out.println("in " + store.description() + ": " + counts.entrySet().stream()
                        .map(c -> c.getValue() + " " + c.getKey().dbName()).reduce((a, b) -> a + ", " + b).orElse(""));
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One entry as JSON, with parameters and body (personal data masked unless --reveal).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--reveal", description = "Show names, phones and addresses unmasked, and the exact body bytes.")
        boolean reveal;

        @Override
        public Integer call() {
            return parent.withStore((store, out, err) -> {
                var e = store.get(id);
                if (e.isEmpty()) {
                    err.println("no inbox entry " + id);
                    return 1;
                }
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(InboxJson.detail(e.get(), reveal)));
                return 0;
            });
        }
    }

    /** {@code ack} and {@code retry}: a {@link ManualChange} of one entry. */
    abstract static class ChangeEntry implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        abstract ManualChange change();

        @Override
        public Integer call() {
            return parent.withStore((store, out, err) -> {
                switch (change().apply(store, id, Instant.now())) {
                    case CHANGED -> {
                        out.println("entry " + id + " is " + change().result().dbName());
                        return 0;
                    }
                    case NOT_FOUND -> err.println("no inbox entry " + id);
                    case CONFLICT -> err.println("entry " + id + ": " + change().refusal());
                }
                return 1;
            });
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true,
            description = "Mark a new, failed or dead entry done (you have processed it).")
    static final class Ack extends ChangeEntry {
        @Override
        ManualChange change() {
            return ManualChange.ACK;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Deliver a failed or dead entry again, with its attempts counted from zero.")
    static final class Retry extends ChangeEntry {
        @Override
        ManualChange change() {
            return ManualChange.RETRY;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Entries as JSON lines on stdout, newest first (personal data masked unless --reveal).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Option(names = "--status", description = "new, processing, done, failed or dead.")
        String status;

        @Option(names = "--method", description = "Normalized method, e.g. deliveryorder.create.")
        String method;

        @Option(names = "--since", paramLabel = "INSTANT", description = "Received at or after, e.g. 2026-11-01T00:00:00Z.")
        String since;

        @Option(names = "--reveal", description = "Unmasked, with the exact body bytes (bodyBase64): for importing.")
        boolean reveal;

        @Override
        public Integer call() {
            Instant from;
            try {
                from = since == null ? null : Instant.parse(since);
            } catch (DateTimeParseException e) {
                parent.spec.commandLine().getErr().println("--since: not an instant such as 2026-11-01T00:00:00Z");
                return 2;
            }
            return parent.withStore((store, out, err) -> {
                store.forEach(new InboxQuery(status(status), method, from, 0, 0), e -> {
                    try {
                        out.println(JSON.writeValueAsString(InboxJson.detail(e, reveal)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
                return 0;
            });
        }
    }
}
