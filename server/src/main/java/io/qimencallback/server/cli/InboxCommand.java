package io.qimencallback.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.ConfigLoader;
import io.qimencallback.server.config.ServerConfig;
import io.qimencallback.server.inbox.InboxConfig;
import io.qimencallback.server.inbox.InboxConsumer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
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
        description = "Read, acknowledge, retry, replay and export inbox entries.",
        subcommands = {InboxCommand.ListEntries.class, InboxCommand.Show.class, InboxCommand.Ack.class,
                InboxCommand.Retry.class, InboxCommand.Replay.class, InboxCommand.Export.class},
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
        throw new ParameterException(spec.commandLine(), "Missing the verb: "
                + String.join(", ", spec.subcommands().keySet()));
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

    /** {@code --status}: a status by its name, or one line naming the statuses. */
    static final class StatusConverter implements ITypeConverter<InboxStatus> {
        @Override
        public InboxStatus convert(String value) {
            try {
                return InboxStatus.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --since}: an ISO-8601 instant. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an instant such as 2026-11-01T00:00:00Z");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Entries, newest first, as a table (or, with --json, as the admin API's GET /api/inbox).")
    static final class ListEntries implements Callable<Integer> {
        private static final String[] HEADERS = {"ID", "RECEIVED", "METHOD", "CUSTOMER", "BUSINESS KEY", "FOR", "STATUS",
                "TRY", "DELIVERED TO", "LAST ERROR"};

        @ParentCommand
        InboxCommand parent;

        @Option(names = "--status", converter = StatusConverter.class, description = "new, processing, done, failed or dead.")
        InboxStatus status;

        @Option(names = "--method", description = "Normalized method, e.g. deliveryorder.create.")
        String method;

        @Option(names = "--consumer", paramLabel = "WHO",
                description = "Only entries for this consumer: target:<name>, handler (an inbox handler) or api (kept"
                        + " for the inbox API).")
        String consumer;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "One JSON document: {entries: [...], counts: {...}, store}.")
        boolean json;

        @Override
        public Integer call() {
            return parent.withStore((store, out, err) -> {
                List<InboxEntry> entries = store.list(new InboxQuery(status, method, InboxConsumer.parse(consumer), null,
                        0, Math.max(1, limit)));
                Map<InboxStatus, Long> counts = store.counts();
                if (json) {
                    ObjectNode doc = JSON.createObjectNode();
                    ArrayNode list = doc.putArray("entries");
                    entries.forEach(e -> list.add(InboxJson.summary(e, false)));
                    ObjectNode c = doc.putObject("counts");
                    counts.forEach((k, v) -> c.put(k.dbName(), v));
                    doc.put("store", store.description());
                    out.println(JSON.writeValueAsString(doc));
                    return 0;
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(HEADERS);
                for (InboxEntry e : entries) {
                    ObjectNode j = InboxJson.summary(e, false);
                    String error = j.path("lastError").asText("");
                    rows.add(new String[] {Long.toString(e.id()), e.received().toString(), e.method(),
                            e.customerId() == null ? "" : e.customerId(), j.path("businessKey").asText(""),
                            InboxConsumer.label(e.consumer()), e.status().dbName(), Integer.toString(e.attempts()),
                            cut(e.deliveredTo() == null ? "" : e.deliveredTo(), 40), cut(error, 60)});
                }
                table(rows).forEach(out::println);
                out.println();
                out.println("in " + store.description() + ": " + counts.entrySet().stream()
                        .map(c -> c.getValue() + " " + c.getKey().dbName()).reduce((a, b) -> a + ", " + b).orElse(""));
                return 0;
            });
        }

        private static String cut(String text, int max) {
            return text.length() > max ? text.substring(0, max) + "…" : text;
        }

        /** Columns as wide as their widest cell, two spaces apart; the last one as it is. */
        static List<String> table(List<String[]> rows) {
            int columns = rows.get(0).length;
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
                }
            }
            List<String> lines = new ArrayList<>();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(r[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(width[i] - r[i].codePointCount(0, r[i].length()) + 2));
                    }
                }
                lines.add(line.toString().stripTrailing());
            }
            return lines;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One entry as JSON, with parameters and body (personal data masked unless --reveal).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Parameters(paramLabel = "ID", description = "The entry's id (see inbox list).")
        long id;

        @Option(names = "--reveal", description = "Show names, phones and addresses unmasked, and the exact body bytes.")
        boolean reveal;

        @Option(names = "--json", description = "The same document on one line, for scripts (default: indented).")
        boolean json;

        @Override
        public Integer call() {
            return parent.withStore((store, out, err) -> {
                var e = store.get(id);
                if (e.isEmpty()) {
                    err.println("no inbox entry " + id);
                    return 1;
                }
                ObjectNode doc = InboxJson.detail(e.get(), reveal);
                out.println(json ? JSON.writeValueAsString(doc) : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
                return 0;
            });
        }
    }

    /** {@code ack}, {@code retry} and {@code replay}: a {@link ManualChange} of one entry. */
    abstract static class ChangeEntry implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Parameters(paramLabel = "ID", description = "The entry's id (see inbox list).")
        long id;

        abstract ManualChange change();

        @Override
        public Integer call() {
            return change(parent, change(), id);
        }

        static int change(InboxCommand parent, ManualChange change, long id) {
            return parent.withStore((store, out, err) -> {
                switch (change.apply(store, id, Instant.now())) {
                    case CHANGED -> {
                        out.println("entry " + id + " is " + change.result().dbName());
                        return 0;
                    }
                    case NOT_FOUND -> err.println("no inbox entry " + id);
                    case CONFLICT -> err.println("entry " + id + ": " + change.refusal());
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
            description = "Deliver a failed or dead entry again, with its attempts counted from zero; with --dead, every"
                    + " dead entry (only those for one consumer with --for).")
    static final class Retry implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", arity = "0..1", description = "The entry's id (see inbox list).")
        Long id;

        @Option(names = "--dead", description = "Every dead entry instead of one: a batch dead-lettered by an outage.")
        boolean dead;

        @Option(names = "--for", paramLabel = "WHO",
                description = "With --dead: only entries for this consumer: target:<name>, handler or api.")
        String consumer;

        @Override
        public Integer call() {
            if ((id == null) != dead) {
                throw new ParameterException(spec.commandLine(), "Give either an entry ID or --dead");
            }
            if (consumer != null && !dead) {
                throw new ParameterException(spec.commandLine(), "--for goes with --dead");
            }
            if (!dead) {
                return ChangeEntry.change(parent, ManualChange.RETRY, id);
            }
            return parent.withStore((store, out, err) -> {
                String who = InboxConsumer.parse(consumer);
                int n = ManualChange.retryDead(store, who, Instant.now());
                out.println(n + " dead entr" + (n == 1 ? "y" : "ies") + (who == null ? "" : " for "
                        + InboxConsumer.label(who)) + " due for delivery again");
                return 0;
            });
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Deliver an entry again, whatever its status (done too), attempts from zero; not one being"
                    + " delivered right now.")
    static final class Replay extends ChangeEntry {
        @Override
        ManualChange change() {
            return ManualChange.REPLAY;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Entries as JSON lines on stdout, newest first (personal data masked unless --reveal).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        InboxCommand parent;

        @Option(names = "--status", converter = StatusConverter.class, description = "new, processing, done, failed or dead.")
        InboxStatus status;

        @Option(names = "--method", description = "Normalized method, e.g. deliveryorder.create.")
        String method;

        @Option(names = "--since", paramLabel = "INSTANT", converter = InstantConverter.class,
                description = "Received at or after, e.g. 2026-11-01T00:00:00Z.")
        Instant since;

        @Option(names = "--reveal", description = "Unmasked, with the exact body bytes (bodyBase64): for importing.")
        boolean reveal;

        @Override
        public Integer call() {
            return parent.withStore((store, out, err) -> {
                store.forEach(new InboxQuery(status, method, null, since, 0, 0), e -> {
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
