package org.omatwin.core.dm.store;

import static org.omatwin.core.store.schema.Tables.DM_DEVICE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.infra.storage.Database;
import org.omatwin.core.infra.storage.DatabaseSettings;
import org.omatwin.core.infra.storage.Transactions;

/**
 * One embedded PostgreSQL per test JVM for the DM store tests, migrated by Flyway (V1..V7) exactly as
 * the core does at start-up. Tests that reuse fixed device ids call {@link #clear()} first.
 */
public final class DmPostgres {
    private static Database database;

    private DmPostgres() {}

    public static synchronized Database database() {
        if (database == null) {
            database = start(tempDir());
            Database started = database;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return database;
    }

    /** A database (embedded PostgreSQL, migrated) whose data lives in {@code dataDir}. */
    public static Database start(Path dataDir) {
        return Database.start(new DatabaseSettings(null, null, null, 8, dataDir));
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("dm-store-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every DM row gone (every DM table references dm_device, so CASCADE reaches them all). */
    public static void clear() {
        database().dsl().truncate(DM_DEVICE).cascade().execute();
        database().dsl().truncate(org.omatwin.core.store.schema.Tables.DM_TRANSACTION).execute();
        database().dsl().truncate(org.omatwin.core.store.schema.Tables.DM_PSEUDONYM).execute();
    }

    /** One transaction per use case, as the core wires it. */
    public static Transactions<DmStore> transactions() {
        return database().transactions(JooqDmStore::new);
    }

    /** A store outside any transaction (each statement commits), for a test's own reads. */
    public static JooqDmStore autocommit() {
        return new JooqDmStore(database().dsl());
    }
}
