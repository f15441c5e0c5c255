package org.omatwin.core.infra.storage;


import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.omatwin.core.infra.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the core runs on: the operator's (TWIN_DATABASE_URL) or an embedded one whose data
 * lives in TWIN_DATA_DIR, so a restart keeps every twinning (HLF-TE-001). Flyway migrates the schema
 * at start-up.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private Database(EmbeddedPostgres embedded, HikariDataSource dataSource) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES, SETTINGS);
    }

    /**
     * jOOQ's settings for every query: names unquoted unless asked. Execute logging stays on: with it
     * off, NotificationsTest.serverSideConsumersWatchTheSameEvents failed after the tests before it (not
     * understood yet); the hot reads do not go through jOOQ's execution anyway (RenderedQuery).
     */
    static final Settings SETTINGS = new Settings()
            .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED);

    public static Database start(DatabaseSettings config) {
        EmbeddedPostgres embedded = null;
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("twinning");
        hikari.setMaximumPoolSize(config.poolSize());
        // A request waits at most this long for a connection, then gets 503 SVC0001 (a database outage
        // is answered clearly, not with hanging requests); jOOQ may ask twice when a transaction fails.
        hikari.setConnectionTimeout(2_000);
        try {
            if (config.embedded()) {
                Path pgData = config.dataDir().resolve("postgres");
                Files.createDirectories(pgData);
                stopOrphanedPostmaster(pgData);
                embedded = EmbeddedPostgres.builder()
                        .setDataDirectory(pgData)
                        .setCleanDataDirectory(false)
                        // stopped by our own shutdown, after the servers and the dispatcher, not before
                        .setRegisterShutdownHook(false)
                        .setServerConfig("max_connections", "200")
                        // The embedding library turns durability off for tests (-F, synchronous_commit=off);
                        // we acknowledge only what is on disk (HLF-TE-001/002), so it goes back on.
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .start();
                hikari.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
                hikari.setUsername("postgres");
                LOG.info("embedded PostgreSQL started on port {} with data in {}", embedded.getPort(), pgData);
            } else {
                hikari.setJdbcUrl(config.url());
                hikari.setUsername(config.user());
                hikari.setPassword(config.password());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
        HikariDataSource ds = new HikariDataSource(hikari);
        migrate(ds);
        return new Database(embedded, ds);
    }

    /**
     * After a crash of the core (kill -9, OOM), its embedded PostgreSQL keeps running and holds the data
     * directory. It has no client left, so it is stopped here (SIGTERM: smart shutdown, which completes
     * everything committed) before a new one starts on the same data.
     */
    static void stopOrphanedPostmaster(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (RuntimeException e) {
            return; // unreadable: PostgreSQL itself decides whether the file is stale
        }
        var orphan = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("stopping the embedded PostgreSQL (pid {}) left running by a previous core that did not stop cleanly",
                pid);
        // smart shutdown (SIGTERM); then fast (SIGINT: ends the dead core's backends still finishing a statement);
        // then immediate (SIGKILL: the next start recovers from the WAL, as after a power cut)
        ProcessHandle postmaster = orphan.get();
        postmaster.destroy();
        if (stopped(postmaster, 10)) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopped(postmaster, 60)) {
            return;
        }
        LOG.warn("the embedded PostgreSQL (pid {}) did not shut down within 70 s; killing it (WAL recovery follows)", pid);
        postmaster.destroyForcibly();
        if (!stopped(postmaster, 20)) {
            throw new IOException("the PostgreSQL left by a previous run (pid " + pid + ") did not stop");
        }
    }

    private static boolean stopped(ProcessHandle process, int seconds) {
        try {
            process.onExit().get(seconds, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        }
    }

    /** Applies the versioned scripts in db/migration (the schema's source of truth). */
    public static void migrate(DataSource ds) {
        var result = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        LOG.info("database schema at version {} ({} migrations applied now)", result.targetSchemaVersion,
                result.migrationsExecuted);
    }

    /** Where this database is reached (for a second instance on the same data, in tests). */
    public String jdbcUrl() {
        return dataSource.getJdbcUrl();
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** One transaction per use case over the stores {@code stores} makes of a connection. */
    public <S> Transactions<S> transactions(Function<DSLContext, S> stores) {
        return new JooqTransactions<>(dsl, stores);
    }

    /** @param afterCommit run once each transaction has committed (e.g. to wake the outbox) */
    public <S> Transactions<S> transactions(Function<DSLContext, S> stores, Runnable afterCommit) {
        return new JooqTransactions<>(dsl, stores, afterCommit);
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }
}
