package org.omatwin.core.dm.audit;

import java.time.Instant;
import java.util.List;
import org.omatwin.core.dm.device.DevId;

/** Reading and purging the transaction log; every call runs in the caller's transaction. */
public interface TransactionStore {

    /** An entry as kept: its place in the log, and the line and subscriber of the device then. */
    record Logged(long seq, Transaction transaction, String line, String subscriberId) {}

    /**
     * A client's entries, oldest first, after {@code afterSeq}: of one device, one job and a time
     * range {@code [from, to)} when given (null: any).
     */
    record Query(String clientId, DevId devId, String jobId, Instant from, Instant to) {}

    List<Logged> transactions(Query query, long afterSeq, int limit);

    /** Deletes up to {@code limit} entries older than {@code before}; how many went. */
    int purgeTransactions(Instant before, int limit);
}
