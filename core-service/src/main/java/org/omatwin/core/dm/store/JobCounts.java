package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_JOB;
import static org.omatwin.core.store.schema.Tables.DM_JOB_COUNT;
import static org.omatwin.core.store.schema.Tables.DM_JOB_EXECUTION;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.job.JobUseCases;
import org.omatwin.core.dm.operation.OperationState;

/**
 * A job's counts per execution state (V12): deltas added to one of {@value #SHARDS} rows per (job,
 * state), picked at random, so executions of one job ending at once on many sessions do not queue on
 * one row; a job's count is the sum of its rows. Rows are touched in one order (by state name) so two
 * transactions never wait on each other's rows the other way round.
 */
final class JobCounts {
    static final int SHARDS = 8;

    private JobCounts() {}

    /** Adds the deltas (state name to change) to the job's counts, in this transaction. */
    static void move(DSLContext db, String jobId, Map<String, Long> deltas) {
        Map<String, Long> sorted = new TreeMap<>(deltas);
        sorted.values().removeIf(n -> n == 0);
        if (sorted.isEmpty()) {
            return;
        }
        short shard = (short) ThreadLocalRandom.current().nextInt(SHARDS);
        var insert = db.insertInto(DM_JOB_COUNT, DM_JOB_COUNT.JOB_ID, DM_JOB_COUNT.SHARD, DM_JOB_COUNT.STATE,
                DM_JOB_COUNT.N);
        for (var e : sorted.entrySet()) {
            insert = insert.values(jobId, shard, e.getKey(), e.getValue());
        }
        insert.onConflict(DM_JOB_COUNT.JOB_ID, DM_JOB_COUNT.SHARD, DM_JOB_COUNT.STATE).doUpdate()
                .set(DM_JOB_COUNT.N, DM_JOB_COUNT.N.plus(DSL.excluded(DM_JOB_COUNT.N)))
                .execute();
    }

    /** The job's counts: the sums of its rows, states with none left out. */
    static Map<String, Long> of(DSLContext db, String jobId) {
        Map<String, Long> counts = new TreeMap<>();
        db.select(DM_JOB_COUNT.STATE, DSL.sum(DM_JOB_COUNT.N)).from(DM_JOB_COUNT)
                .where(DM_JOB_COUNT.JOB_ID.eq(jobId))
                .groupBy(DM_JOB_COUNT.STATE)
                .forEach(r -> {
                    long n = r.value2() == null ? 0 : r.value2().longValue();
                    if (n != 0) {
                        counts.put(r.value1(), n);
                    }
                });
        return counts;
    }

    /**
     * The execution of the job's operation takes its state (ended: with the time, and marked for a
     * pushEach job's next result), the counts move from the old state to the new one, and an end brings
     * the job's next look forward to {@link JobUseCases#RESULT_LOOK} from now.
     */
    static void follow(DSLContext db, String operationId, OperationState state, Instant ended) {
        var old = db.select(DM_JOB_EXECUTION.JOB_ID, DM_JOB_EXECUTION.SEQ, DM_JOB_EXECUTION.STATE, DM_JOB.PUSH_EACH)
                .from(DM_JOB_EXECUTION).join(DM_JOB).on(DM_JOB.ID.eq(DM_JOB_EXECUTION.JOB_ID))
                .where(DM_JOB_EXECUTION.OPERATION_ID.eq(operationId)).forUpdate().of(DM_JOB_EXECUTION).fetchOne();
        if (old == null || old.value3().equals(state.name())) {
            return;
        }
        String jobId = old.value1();
        db.update(DM_JOB_EXECUTION)
                .set(DM_JOB_EXECUTION.STATE, state.name())
                .set(DM_JOB_EXECUTION.ENDED_AT, ended == null ? null : odt(ended))
                .set(DM_JOB_EXECUTION.UNPUSHED, ended != null && Boolean.TRUE.equals(old.value4()))
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).and(DM_JOB_EXECUTION.SEQ.eq(old.value2()))
                .execute();
        move(db, jobId, Map.of(old.value3(), -1L, state.name(), 1L));
        if (ended != null) {
            // the job looks at the result soon; once it is due that soon, later results' statements match no
            // row, so they neither write nor wait on the job's row
            var soon = odt(ended.plus(JobUseCases.RESULT_LOOK));
            db.update(DM_JOB).set(DM_JOB.DUE_AT, soon)
                    .where(DM_JOB.ID.eq(jobId)).and(DM_JOB.DUE_AT.gt(soon)).and(DM_JOB.ENDED_AT.isNull())
                    .execute();
        }
    }
}
