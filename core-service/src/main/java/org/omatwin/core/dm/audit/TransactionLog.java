package org.omatwin.core.dm.audit;

/** Where use cases record the transaction log; called inside the transaction of the act it records. */
public interface TransactionLog {
    void recordTransaction(Transaction transaction);
}
