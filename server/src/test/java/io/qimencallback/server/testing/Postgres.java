package io.qimencallback.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema in a real PostgreSQL ({@code QIMEN_TEST_POSTGRES_URL}, default the local server with trust auth),
 * dropped on close. Without a reachable server the test is skipped with a message — unless
 * {@code QIMEN_REQUIRE_POSTGRES} is set (CI sets it), then it fails.
 */
public final class Postgres implements AutoCloseable {
    private static final String BASE = System.getenv().getOrDefault("QIMEN_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema;

    private Postgres(String schema) {
        this.schema = schema;
    }

    public static Postgres freshSchema() {
        String schema = "qimen_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String why = "no PostgreSQL at " + BASE.replaceAll("password=[^&]*", "password=…") + ": " + e.getMessage();
            if (System.getenv("QIMEN_REQUIRE_POSTGRES") != null) {
                Assertions.fail("QIMEN_REQUIRE_POSTGRES is set, but " + why);
            }
            System.out.println("SKIPPED PostgreSQL test: " + why + " (set QIMEN_REQUIRE_POSTGRES to make this fail)");
            Assumptions.abort(why);
        }
        return new Postgres(schema);
    }

    /** The JDBC URL of this schema. */
    public String url() {
        return BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            // a schema left behind in a test database is not worth failing the test for
        }
    }
}
