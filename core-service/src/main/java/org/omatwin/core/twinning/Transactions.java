package org.omatwin.core.twinning;

import java.util.function.Function;

/**
 * Runs one use case in one database transaction, committed before the result is returned (HLF-TE-001,
 * TE-002: nothing is acknowledged before it is durable).
 */
public interface Transactions<S> {
    <T> T inTransaction(Function<S, T> work);
}
