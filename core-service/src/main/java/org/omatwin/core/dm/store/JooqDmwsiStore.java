package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_PSEUDONYM;
import static org.omatwin.core.store.schema.Tables.DM_TRANSACTION;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.audit.TransactionStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.policy.PseudonymStore;
import org.omatwin.core.dm.policy.Pseudonyms.Kind;
import org.omatwin.core.dm.policy.Pseudonyms.Pseudonym;

/** The pseudonyms given to clients and the transaction log, on PostgreSQL (migration V9). */
public final class JooqDmwsiStore implements PseudonymStore, TransactionStore {
    private final DSLContext db;

    public JooqDmwsiStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public void recordPseudonyms(String clientId, Collection<Pseudonym> given) {
        if (given.isEmpty()) {
            return;
        }
        var insert = db.insertInto(DM_PSEUDONYM, DM_PSEUDONYM.CLIENT_ID, DM_PSEUDONYM.PID, DM_PSEUDONYM.KIND,
                DM_PSEUDONYM.VALUE);
        for (Pseudonym p : given) {
            insert = insert.values(clientId, p.pid(), p.kind().name(), p.value());
        }
        insert.onConflictDoNothing().execute();
    }

    @Override
    public Optional<Pseudonym> findPseudonym(String clientId, String pid) {
        return db.select(DM_PSEUDONYM.KIND, DM_PSEUDONYM.VALUE).from(DM_PSEUDONYM)
                .where(DM_PSEUDONYM.CLIENT_ID.eq(clientId)).and(DM_PSEUDONYM.PID.eq(pid))
                .fetchOptional(r -> new Pseudonym(pid, Kind.valueOf(r.value1()), r.value2()));
    }

    @Override
    public List<Logged> transactions(Query q, long afterSeq, int limit) {
        return db.selectFrom(DM_TRANSACTION)
                .where(DM_TRANSACTION.CLIENT_ID.eq(q.clientId()))
                .and(DM_TRANSACTION.SEQ.gt(afterSeq))
                .and(q.devId() == null ? DSL.noCondition() : DM_TRANSACTION.DEV_ID.eq(q.devId().value()))
                .and(q.jobId() == null ? DSL.noCondition() : DM_TRANSACTION.JOB_ID.eq(q.jobId()))
                .and(q.from() == null ? DSL.noCondition() : DM_TRANSACTION.OCCURRED_AT.ge(odt(q.from())))
                .and(q.to() == null ? DSL.noCondition() : DM_TRANSACTION.OCCURRED_AT.lt(odt(q.to())))
                .orderBy(DM_TRANSACTION.SEQ).limit(limit)
                .fetch(r -> new Logged(r.getSeq(), new Transaction(r.getTransactionId(),
                        Transaction.Kind.fromWire(r.getKind()), r.getClientId(),
                        r.getDevId() == null ? null : DevId.of(r.getDevId()), r.getOperationId(), r.getJobId(),
                        r.getSummary(), r.getSuccess(), instant(r.getOccurredAt()), r.getSubscriberId()), r.getLine(),
                        r.getSubscriberId()));
    }

    @Override
    public int purgeTransactions(Instant before, int limit) {
        return db.deleteFrom(DM_TRANSACTION).where(DM_TRANSACTION.SEQ.in(DSL.select(DM_TRANSACTION.SEQ)
                .from(DM_TRANSACTION).where(DM_TRANSACTION.OCCURRED_AT.lt(odt(before))).limit(limit))).execute();
    }
}
