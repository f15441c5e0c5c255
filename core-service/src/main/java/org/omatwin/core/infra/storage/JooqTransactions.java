package org.omatwin.core.infra.storage;

import java.sql.SQLException;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One jOOQ transaction per use case. Serialization failures and deadlocks are retried a few times;
 * a unique-constraint race that survives is reported as a concurrent modification (SVC2007), and a
 * database that cannot be reached as SVC0001 (503), never as a stack trace.
 */
public final class JooqTransactions<S> implements Transactions<S> {
    private static final Logger LOG = LoggerFactory.getLogger(JooqTransactions.class);
    private static final int ATTEMPTS = 3;
    private static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(1);

    private final DSLContext dsl;
    private final Function<DSLContext, S> storeFactory;
    private final Runnable afterCommit;

    public JooqTransactions(DSLContext dsl, Function<DSLContext, S> storeFactory) {
        this(dsl, storeFactory, () -> {});
    }

    /** @param afterCommit run after every committed transaction (e.g. to wake the notifier) */
    public JooqTransactions(DSLContext dsl, Function<DSLContext, S> storeFactory, Runnable afterCommit) {
        this.dsl = dsl;
        this.storeFactory = storeFactory;
        this.afterCommit = afterCommit;
    }

    @Override
    public <T> T inTransaction(Function<S, T> work) {
        return run(() -> {
            T result = dsl.transactionResult(cfg -> work.apply(storeFactory.apply(cfg.dsl())));
            afterCommit.run();
            return result;
        });
    }

    @Override
    public <T> T read(Function<S, T> singleStatement) {
        return run(() -> singleStatement.apply(storeFactory.apply(dsl)));
    }

    private <T> T run(java.util.function.Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (DataAccessException e) {
                String state = sqlState(e);
                boolean retryable = "40001".equals(state) || "40P01".equals(state);
                if (retryable && attempt < ATTEMPTS) {
                    continue;
                }
                if (retryable || "23505".equals(state)) {
                    throw ApiException.of(ApiError.CONFLICT, "a concurrent request changed the same data, retry",
                            "twinning");
                }
                if (state != null && (state.startsWith("08") || state.startsWith("57")) || poolTimedOut(e)) {
                    // unreachable, or every connection busy for the pool's wait (a burst): the caller retries
                    LOG.warn("database unavailable: {}", state == null ? "no connection free in time" : state);
                    throw ApiException.unavailable("the service is temporarily unavailable, retry later", RETRY_AFTER,
                            "database");
                }
                throw e;
            }
        }
    }

    /** The pool gave no connection in time (HikariCP's timeout carries no SQL state when the database is up). */
    private static boolean poolTimedOut(DataAccessException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(DataAccessException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
