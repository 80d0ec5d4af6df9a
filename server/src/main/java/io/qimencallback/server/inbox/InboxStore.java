package io.qimencallback.server.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteOpenMode;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox table, in SQLite (one file, WAL, one connection: SQLite has one writer anyway) or PostgreSQL (a HikariCP
 * pool; several servers may share it). The schema is migrated with Flyway on open. When a method returns, its
 * change is committed and durable; appends and delivery outcomes share their transaction with those waiting alongside.
 */
public final class InboxStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboxStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> PARAMS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, received_at, raw_method, method, app_key, customer_id, format, params,"
            + " content_type, body, remote, business_key, status, attempts, last_error, next_attempt_at, updated_at,"
            + " consumer, call_id, delivered_to";
    private static final String SUMMARY_COLUMNS = "id, received_at, raw_method, method, app_key, customer_id, format,"
            + " content_type, remote, business_key, status, attempts, last_error, next_attempt_at, updated_at, consumer,"
            + " call_id, delivered_to";
    private static final String PENDING = "('new', 'failed', 'processing')";

    /** The two databases differ in little: where the schema lives, and row locks. */
    public enum Dialect {
        SQLITE("sqlite", ""),
        POSTGRESQL("postgresql", " FOR UPDATE SKIP LOCKED");

        private final String folder;
        private final String lockForClaim;

        Dialect(String folder, String lockForClaim) {
            this.folder = folder;
            this.lockForClaim = lockForClaim;
        }
    }

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String description;
    /** SQLite: the file opened, checked around every write; null on PostgreSQL. */
    private final SqliteFile file;
    private final InboxHealth health;
    /** Many appends per commit: the commit's fsync is what an append costs. */
    private final GroupCommit groupCommit;
    /** Many delivery outcomes per commit, likewise. */
    private final OutcomeCommit outcomeCommit;
    private final java.util.concurrent.atomic.AtomicLong outcomeCommits = new java.util.concurrent.atomic.AtomicLong();

    private InboxStore(HikariDataSource dataSource, Dialect dialect, String description, SqliteFile file) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.description = description;
        this.file = file;
        this.health = new InboxHealth(description);
        this.groupCommit = new GroupCommit(this, health, GroupCommit.PROBE_INTERVAL);
        this.outcomeCommit = new OutcomeCommit(this);
    }

    /**
     * Opens the store the configuration names: PostgreSQL when {@code inbox_url} is set, else SQLite in
     * {@code data_dir}; creates or upgrades the schema.
     *
     * @throws IllegalStateException when the database cannot be reached or migrated (the message never shows a
     *                               password)
     */
    public static InboxStore open(InboxConfig config) {
        Objects.requireNonNull(config, "config");
        return config.url().isBlank()
                ? openSqlite(config.dataDir().resolve("inbox.db"), config.where())
                : openPostgres(config.url(), config.poolSize(), config.where());
    }

    private static InboxStore openSqlite(Path file, String description) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.createFile(file); // an empty file is an empty SQLite database
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the inbox file " + file + ": " + e.getMessage(), e);
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("qimen-inbox");
        hc.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        hc.setMaximumPoolSize(1);
        hc.setConnectionTimeout(10_000);
        // WAL: readers (the admin API, a CLI) do not block the writer; FULL: a commit survives power loss, not only
        // a killed process
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", "FULL");
        hc.addDataSourceProperty("busy_timeout", "10000");
        // no SQLITE_OPEN_CREATE: a connection the pool opens later must not make a new, empty inbox where the file
        // was deleted
        hc.addDataSourceProperty("open_mode", String.valueOf(SQLiteOpenMode.READWRITE.flag));
        return open(hc, Dialect.SQLITE, description, file);
    }

    private static InboxStore openPostgres(String url, int poolSize, String description) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("inbox_url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("qimen-inbox");
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(poolSize);
        // a database that does not answer fails the call instead of holding it: no connection within 5 s, no answer
        // to a statement within 30 s (pgjdbc waits forever by default)
        hc.setConnectionTimeout(5_000);
        hc.addDataSourceProperty("socketTimeout", "30");
        return open(hc, Dialect.POSTGRESQL, description, null);
    }

    private static InboxStore open(HikariConfig hc, Dialect dialect, String description, Path sqliteFile) {
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the inbox (" + description + "): " + rootMessage(e), e);
        }
        try {
            MigrateResult migrated = Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/inbox/" + dialect.folder)
                    .table("qimen_schema_history")
                    .load()
                    .migrate();
            if (migrated.migrationsExecuted > 0) {
                log.info("inbox schema migrated to version {} ({})", migrated.targetSchemaVersion, description);
            }
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot migrate the inbox schema (" + description + "): " + rootMessage(e), e);
        }
        try {
            return new InboxStore(ds, dialect, description, sqliteFile == null ? null : SqliteFile.opened(sqliteFile));
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Which database, without credentials. */
    public String description() {
        return description;
    }

    /**
     * Whether appends succeed: false from a failed commit of appends until one (or the probe the writer runs every
     * second meanwhile) succeeds again.
     */
    public boolean healthy() {
        return health.healthy();
    }

    /**
     * Stores a call unless one with the same method, customerId and business key is stored already; either way
     * returns the entry that holds it. Committed when this returns, in one transaction with the appends that
     * arrived meanwhile ({@link GroupCommit}).
     */
    public Appended append(NewEntry e) throws SQLException {
        Objects.requireNonNull(e, "e");
        return groupCommit.append(e);
    }

    /**
     * As {@link #append}, without waiting: the future completes (on the writer thread) once the entry is committed,
     * or exceptionally with an {@link SQLException} when it is not. No thread waits for the group commit.
     */
    public java.util.concurrent.CompletableFuture<Appended> appendAsync(NewEntry e) {
        Objects.requireNonNull(e, "e");
        return groupCommit.appendAsync(e);
    }

    /**
     * Appends several calls in one transaction: one commit, one fsync. A redelivery inside the batch finds the entry
     * its original made a moment earlier in the same transaction.
     */
    List<Appended> inTransaction(List<NewEntry> entries) throws SQLException {
        return transaction(c -> {
            List<Appended> results = new ArrayList<>(entries.size());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO qimen_inbox (received_at, raw_method,"
                    + " method, app_key, customer_id, format, params, content_type, body, remote, business_key,"
                    + " content_hash, status, attempts, next_attempt_at, updated_at, consumer, call_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 0, ?, ?, ?, ?)"
                    + " ON CONFLICT (method, app_key, customer_id, business_key) DO NOTHING RETURNING id")) {
                for (NewEntry e : entries) {
                    long now = e.received().toEpochMilli();
                    ps.setLong(1, now);
                    ps.setString(2, e.rawMethod());
                    ps.setString(3, e.method());
                    ps.setString(4, e.appKey());
                    ps.setString(5, e.customerId());
                    ps.setString(6, e.format());
                    ps.setString(7, toJson(e.params()));
                    ps.setString(8, e.contentType());
                    ps.setBytes(9, e.body());
                    ps.setString(10, e.remote());
                    ps.setString(11, e.businessKey());
                    ps.setString(12, e.contentHash());
                    ps.setLong(13, now);
                    ps.setLong(14, now);
                    ps.setString(15, e.consumer());
                    ps.setString(16, e.callId());
                    Appended result;
                    try (ResultSet rs = ps.executeQuery()) {
                        result = rs.next() ? new Appended(rs.getLong(1), false, e.received(), true) : null;
                    }
                    results.add(result != null ? result : existing(c, e));
                }
            }
            return results;
        });
    }

    /**
     * Commits one small write (the probe row) the way appends commit: whether appends would succeed now. The writer
     * runs it while appends fail, since a server that reports not-ready gets no calls to find out with.
     */
    void probe() throws SQLException {
        long now = System.currentTimeMillis();
        transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO qimen_inbox_probe (id, probed_at) VALUES (1, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at")) {
                ps.setLong(1, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Work inside one transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs work in one transaction and commits it; on SQLite only while the file at the path is the one opened
     * (checked before, and after the commit: a commit into a deleted file is not reported as one). A connection whose
     * transaction failed is not given back to the pool: SQLite rolls a transaction back by itself on SQLITE_FULL
     * and the like, after which the driver's idea of the transaction is wrong.
     */
    private <T> T transaction(Work<T> work) throws SQLException {
        checkFile(false);
        T result;
        try (Connection c = dataSource.getConnection()) {
            try {
                c.setAutoCommit(false);
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                discard(c, ex);
                throw ex;
            }
        }
        checkFile(true);
        return result;
    }

    private void checkFile(boolean afterTransaction) throws InboxFileChanged {
        if (file != null) {
            file.verify(afterTransaction);
        }
    }

    /** Rolls back, then evicts the connection from the pool, so that the next caller gets a new one. */
    private void discard(Connection c, Exception cause) {
        rollbackQuietly(c, cause);
        try {
            dataSource.evictConnection(c);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static Appended existing(Connection c, NewEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, received_at, content_hash FROM qimen_inbox"
                + " WHERE method = ? AND app_key = ? AND customer_id = ? AND business_key = ?")) {
            ps.setString(1, e.method());
            ps.setString(2, e.appKey());
            ps.setString(3, e.customerId());
            ps.setString(4, e.businessKey());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("inbox entry conflicted on its business key but cannot be read back");
                }
                return new Appended(rs.getLong(1), true, Instant.ofEpochMilli(rs.getLong(2)),
                        e.contentHash().equals(rs.getString(3)));
            }
        }
    }

    /**
     * Claims up to {@code max} entries due for delivery to the given consumers — new, failed and due, or processing
     * with an expired lease (their server died) — and counts the attempt. {@code consumers} are matched whole
     * ({@code target:erp}); entries for the inbox handler ({@link InboxConsumer#HANDLER}) only for the methods in
     * {@code handlerMethods}, the ones an installed inbox handler claims. On PostgreSQL rows locked by another
     * server's claim are skipped, so each entry goes to one server. Each claimed row is marked
     * {@code claimPrefix + id}: {@link #claimToken} — only that claim can complete or fail it, so a claim whose lease
     * ran out (and was taken again) cannot overwrite what the newer one decides.
     */
    public List<InboxEntry> claim(Collection<String> consumers, Collection<String> handlerMethods, int max, Instant now,
                                  Duration lease, String claimPrefix) throws SQLException {
        if ((consumers.isEmpty() && handlerMethods.isEmpty()) || max <= 0) {
            return List.of();
        }
        List<String> who = new ArrayList<>();
        if (!consumers.isEmpty()) {
            who.add("consumer IN (" + marks(consumers.size()) + ")");
        }
        if (!handlerMethods.isEmpty()) {
            who.add("(consumer = '" + InboxConsumer.HANDLER + "' AND method IN (" + marks(handlerMethods.size()) + "))");
        }
        String sql = "UPDATE qimen_inbox SET status = 'processing', attempts = attempts + 1,"
                + " locked_by = ? || CAST(id AS TEXT), locked_until = ?, updated_at = ? WHERE id IN (SELECT id FROM qimen_inbox"
                + " WHERE (" + String.join(" OR ", who) + ")"
                + " AND ((status IN ('new', 'failed') AND next_attempt_at <= ?) OR (status = 'processing' AND locked_until < ?))"
                + " ORDER BY next_attempt_at, id LIMIT ?" + dialect.lockForClaim + ") RETURNING " + COLUMNS;
        long nowMs = now.toEpochMilli();
        return transaction(c -> {
            List<InboxEntry> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, claimPrefix);
                ps.setLong(i++, nowMs + lease.toMillis());
                ps.setLong(i++, nowMs);
                for (String m : consumers) {
                    ps.setString(i++, m);
                }
                for (String m : handlerMethods) {
                    ps.setString(i++, m);
                }
                ps.setLong(i++, nowMs);
                ps.setLong(i++, nowMs);
                ps.setInt(i, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(row(rs));
                    }
                }
            }
            claimed.sort(java.util.Comparator.comparingLong(InboxEntry::id));
            return claimed;
        });
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** Methods of entries stored before the consumer column existed (their consumer is NULL). */
    public List<String> unassignedMethods() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT method FROM qimen_inbox WHERE consumer IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Gives the entries of {@code method} stored before the consumer column existed their consumer. */
    public int assign(String method, String consumer) throws SQLException {
        return update("UPDATE qimen_inbox SET consumer = ? WHERE consumer IS NULL AND method = ?",
                Objects.requireNonNull(consumer, "consumer"), method);
    }

    /** Entries not yet done or dead, by consumer and method. */
    public record PendingCount(String consumer, String method, long count) {
    }

    /** Entries not yet done or dead for some consumer (the inbox API's are left out), by consumer and method. */
    public List<PendingCount> pendingByConsumer() throws SQLException {
        List<PendingCount> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT consumer, method, COUNT(*) FROM qimen_inbox WHERE status IN "
                     + PENDING + " AND consumer <> '' GROUP BY consumer, method");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new PendingCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /** What a claim made with {@code claimPrefix} wrote on entry {@code id}. */
    public static String claimToken(String claimPrefix, long id) {
        return claimPrefix + id;
    }

    /**
     * Marks a claimed entry delivered, keeping where it went ({@code deliveredTo}, as the consumer said); false when
     * the claim was lost (lease expired and taken again).
     */
    public boolean complete(long id, String claimToken, String deliveredTo, Instant now) throws SQLException {
        return record(List.of(Outcome.done(id, claimToken, deliveredTo, now))).get(0);
    }

    /**
     * Records that a claimed entry's consumer could not be reached at all: due again at {@code nextAttempt} with the
     * attempt its claim counted given back, so that an outage of any length dead-letters nothing.
     */
    public boolean unavailable(long id, String claimToken, String error, Instant nextAttempt, Instant now)
            throws SQLException {
        return record(List.of(Outcome.unavailable(id, claimToken, error, nextAttempt, now))).get(0);
    }

    /** Records a failed delivery of a claimed entry: due again at {@code nextAttempt}, or dead. */
    public boolean fail(long id, String claimToken, String error, Instant nextAttempt, boolean dead, Instant now)
            throws SQLException {
        return record(List.of(Outcome.failed(id, claimToken, error, nextAttempt, dead, now))).get(0);
    }

    /**
     * Records a delivery's outcome in one transaction with the others that arrived meanwhile ({@link OutcomeCommit});
     * committed when this returns. False when the claim was lost (lease expired and taken again). Blocks: for the
     * inbox's delivery threads, never an event loop.
     */
    boolean recordBatched(Outcome outcome) throws SQLException {
        return outcomeCommit.record(Objects.requireNonNull(outcome, "outcome"));
    }

    /** As {@link #recordBatched}, without waiting: the future completes on the outcome writer once committed. */
    java.util.concurrent.CompletableFuture<Boolean> recordBatchedAsync(Outcome outcome) {
        return outcomeCommit.recordAsync(Objects.requireNonNull(outcome, "outcome"));
    }

    /** Records outcomes in one transaction, in id order (two servers' batches lock rows alike); each: did it apply. */
    List<Boolean> record(List<Outcome> outcomes) throws SQLException {
        List<Outcome> byId = outcomes.stream().sorted(java.util.Comparator.comparingLong(Outcome::id)).toList();
        Map<Outcome, Boolean> applied = new java.util.IdentityHashMap<>();
        transaction(c -> {
            for (Outcome o : byId) {
                try (PreparedStatement ps = c.prepareStatement(o.sql())) {
                    bind(ps, o.args());
                    applied.put(o, ps.executeUpdate() == 1);
                }
            }
            return null;
        });
        outcomeCommits.incrementAndGet();
        return outcomes.stream().map(applied::get).toList();
    }

    /** How many transactions have recorded delivery outcomes: with batching, fewer than the outcomes. */
    long outcomeCommits() {
        return outcomeCommits.get();
    }

    /** Text PostgreSQL can store: no NUL (it refuses the whole statement), no other C0 control but tab and line ends. */
    static String storable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> sb.appendCodePoint(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '?' : c));
        return sb.toString();
    }

    /** What a manual change did. */
    public enum Change { CHANGED, NOT_FOUND, CONFLICT }

    /** Makes a failed or dead entry due now, with its attempts counted from zero again. */
    public Change retry(long id, Instant now) throws SQLException {
        int n = update("UPDATE qimen_inbox SET status = 'new', attempts = 0, next_attempt_at = ?, locked_by = NULL,"
                + " locked_until = NULL, updated_at = ? WHERE id = ? AND status IN ('failed', 'dead')",
                now.toEpochMilli(), now.toEpochMilli(), id);
        return n == 1 ? Change.CHANGED : get(id).isPresent() ? Change.CONFLICT : Change.NOT_FOUND;
    }

    /**
     * Makes every dead entry due now, attempts from zero — only those for {@code consumer} unless it is {@code null}
     * ({@link InboxConsumer}: {@code target:erp}, {@code handler}, {@code ""}); how many.
     */
    public int retryDead(String consumer, Instant now) throws SQLException {
        String sql = "UPDATE qimen_inbox SET status = 'new', attempts = 0, next_attempt_at = ?, locked_by = NULL,"
                + " locked_until = NULL, updated_at = ? WHERE status = 'dead'";
        return consumer == null ? update(sql, now.toEpochMilli(), now.toEpochMilli())
                : update(sql + " AND consumer = ?", now.toEpochMilli(), now.toEpochMilli(), consumer);
    }

    /**
     * Makes any entry due now, attempts from zero — done ones too, to deliver them again; not one being delivered
     * (a claim whose lease has not run out), whose outcome would then be lost.
     */
    public Change replay(long id, Instant now) throws SQLException {
        int n = update("UPDATE qimen_inbox SET status = 'new', attempts = 0, next_attempt_at = ?, locked_by = NULL,"
                + " locked_until = NULL, updated_at = ? WHERE id = ? AND (status <> 'processing' OR locked_until < ?)",
                now.toEpochMilli(), now.toEpochMilli(), id, now.toEpochMilli());
        return n == 1 ? Change.CHANGED : get(id).isPresent() ? Change.CONFLICT : Change.NOT_FOUND;
    }

    /** Marks an entry done by hand (a consumer of the admin API has processed it); not one being delivered. */
    public Change acknowledge(long id, Instant now) throws SQLException {
        int n = update("UPDATE qimen_inbox SET status = 'done', locked_by = NULL, locked_until = NULL, updated_at = ?"
                + " WHERE id = ? AND status IN ('new', 'failed', 'dead')", now.toEpochMilli(), id);
        return n == 1 ? Change.CHANGED : get(id).isPresent() ? Change.CONFLICT : Change.NOT_FOUND;
    }

    /** Puts entries a dead server was delivering back in line; only safe when no other server uses this store. */
    public int releaseAll(Instant now) throws SQLException {
        return update("UPDATE qimen_inbox SET status = 'failed', last_error = 'delivery interrupted by a restart',"
                + " locked_by = NULL, locked_until = NULL, next_attempt_at = ?, updated_at = ? WHERE status = 'processing'",
                now.toEpochMilli(), now.toEpochMilli());
    }

    /**
     * Deletes done and dead entries received before {@code before}, a thousand at a time (a long delete would hold
     * SQLite's one connection, and appends with it); pending ones are never deleted.
     */
    public int purge(Instant before) throws SQLException {
        int total = 0;
        int n;
        do {
            n = update("DELETE FROM qimen_inbox WHERE id IN (SELECT id FROM qimen_inbox WHERE status IN ('done', 'dead')"
                    + " AND received_at < ? LIMIT 1000)", before.toEpochMilli());
            total += n;
        } while (n == 1000);
        return total;
    }

    public Optional<InboxEntry> get(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM qimen_inbox WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /**
     * The entries of a query, newest first, without their parameters and bodies (empty in the results): a list never
     * needs them, and a thousand 8 MiB bodies would not fit in memory.
     */
    public List<InboxEntry> list(InboxQuery q) throws SQLException {
        List<InboxEntry> out = new ArrayList<>();
        select(q, false, out::add);
        return out;
    }

    /** Streams whole entries of a query, newest first, without holding them all in memory (export). */
    public void forEach(InboxQuery q, Consumer<InboxEntry> action) throws SQLException {
        select(q, true, action);
    }

    private void select(InboxQuery q, boolean whole, Consumer<InboxEntry> action) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + (whole ? COLUMNS : SUMMARY_COLUMNS) + " FROM qimen_inbox WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.status() != null) {
            sql.append(" AND status = ?");
            args.add(q.status().dbName());
        }
        if (q.method() != null) {
            sql.append(" AND method = ?");
            args.add(q.method());
        }
        if (q.consumer() != null) {
            sql.append(" AND consumer = ?");
            args.add(q.consumer());
        }
        if (q.since() != null) {
            sql.append(" AND received_at >= ?");
            args.add(q.since().toEpochMilli());
        }
        if (q.beforeId() > 0) {
            sql.append(" AND id < ?");
            args.add(q.beforeId());
        }
        sql.append(" ORDER BY id DESC");
        if (q.limit() > 0) {
            sql.append(" LIMIT ?");
            args.add(q.limit());
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setFetchSize(100);
                bind(ps, args.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        action.accept(whole ? row(rs) : summaryRow(rs));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                discard(c, ex);
                throw ex;
            }
        }
    }

    /** Entries by status; every status is present. */
    public Map<InboxStatus, Long> counts() throws SQLException {
        Map<InboxStatus, Long> counts = new EnumMap<>(InboxStatus.class);
        for (InboxStatus s : InboxStatus.values()) {
            counts.put(s, 0L);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM qimen_inbox GROUP BY status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(InboxStatus.parse(rs.getString(1)), rs.getLong(2));
            }
        }
        return counts;
    }

    /** When the oldest entry not yet done or dead was received. */
    public Optional<Instant> oldestPending() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MIN(received_at) FROM qimen_inbox WHERE status IN " + PENDING);
             ResultSet rs = ps.executeQuery()) {
            long v = rs.next() ? rs.getLong(1) : 0;
            return v == 0 || rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        checkFile(false);
        int n;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                n = ps.executeUpdate();
            } catch (SQLException | RuntimeException ex) {
                discard(c, ex);
                throw ex;
            }
        }
        checkFile(true);
        return n;
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    private static InboxEntry summaryRow(ResultSet rs) throws SQLException {
        return new InboxEntry(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("received_at")), rs.getString("raw_method"),
                rs.getString("method"), rs.getString("app_key"), rs.getString("customer_id"), rs.getString("format"),
                Map.of(), rs.getString("content_type"), new byte[0], rs.getString("remote"),
                rs.getString("business_key"), InboxStatus.parse(rs.getString("status")), rs.getInt("attempts"),
                rs.getString("last_error"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")), rs.getString("consumer"), rs.getString("call_id"),
                rs.getString("delivered_to"));
    }

    private static InboxEntry row(ResultSet rs) throws SQLException {
        return new InboxEntry(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("received_at")), rs.getString("raw_method"),
                rs.getString("method"), rs.getString("app_key"), rs.getString("customer_id"), rs.getString("format"),
                fromJson(rs.getString("params")), rs.getString("content_type"), rs.getBytes("body"), rs.getString("remote"),
                rs.getString("business_key"), InboxStatus.parse(rs.getString("status")), rs.getInt("attempts"),
                rs.getString("last_error"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")), rs.getString("consumer"), rs.getString("call_id"),
                rs.getString("delivered_to"));
    }

    private static String toJson(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> fromJson(String json) throws SQLException {
        try {
            return JSON.readValue(json, PARAMS);
        } catch (JsonProcessingException e) {
            throw new SQLException("inbox entry parameters are not a JSON object", e);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        groupCommit.close();
        outcomeCommit.close();
        dataSource.close();
    }
}
