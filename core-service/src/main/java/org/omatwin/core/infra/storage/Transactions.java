package org.omatwin.core.infra.storage;

import java.util.function.Function;

/**
 * Runs one use case in one database transaction, committed before the result is returned (HLF-TE-001,
 * TE-002: nothing is acknowledged before it is durable).
 */
public interface Transactions<S> {
    <T> T inTransaction(Function<S, T> work);

    /**
     * A read that issues a single statement: it needs no transaction of its own (a statement sees one
     * snapshot), which saves the BEGIN and COMMIT round trips. Same error mapping as a transaction.
     */
    default <T> T read(Function<S, T> singleStatement) {
        return inTransaction(singleStatement);
    }
}
