package org.omatwin.core.dm.common;

import java.util.function.Function;

/**
 * Runs one device-management use case in one database transaction, committed before the result is
 * returned: nothing is acknowledged to a device or a caller before it is durable. The same contract as
 * twinning's {@code Transactions}, kept here so the DM family does not depend on the twinning family.
 */
public interface UnitOfWork<S> {
    <T> T inTransaction(Function<S, T> work);
}
