package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_DEVICE;
import static org.omatwin.core.store.schema.Tables.DM_JOB;
import static org.omatwin.core.store.schema.Tables.DM_JOB_EXECUTION;
import static org.omatwin.core.store.schema.Tables.DM_OPERATION;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.job.Execution;
import org.omatwin.core.dm.job.ExecutionState;
import org.omatwin.core.dm.job.Job;
import org.omatwin.core.dm.job.JobState;
import org.omatwin.core.dm.job.JobStore;
import org.omatwin.core.dm.job.ResultsMode;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.store.schema.tables.records.DmOperationRecord;

/**
 * Jobs on PostgreSQL (V12): the job row is the unit of work (locked with SKIP LOCKED by one instance
 * at a time), executions are written in set-based batches, counts are spread over a few rows.
 */
public final class JooqJobStore extends JooqDmStore implements JobStore {
    /** The job's columns without its (possibly long) target list. */
    private static final List<Field<?>> JOB_FIELDS = java.util.Arrays.stream(DM_JOB.fields())
            .filter(f -> !f.equals(DM_JOB.TARGET_LIST)).toList();

    private final DSLContext db;

    public JooqJobStore(DSLContext db) {
        super(db);
        this.db = db;
    }

    @Override
    public void insertJob(Job job) {
        db.insertInto(DM_JOB)
                .set(DM_JOB.ID, job.jobId())
                .set(DM_JOB.CLIENT_ID, job.clientId())
                .set(DM_JOB.CLIENT_CORRELATOR, job.request().clientCorrelator())
                .set(DM_JOB.REQUEST, DmJson.job(job.request()))
                .set(DM_JOB.TARGET_LIST, job.request().targets().entries().isEmpty() ? null
                        : DmJson.strings(job.request().targets().entries()))
                .set(DM_JOB.STATE, job.state().name())
                .set(DM_JOB.PUSH_EACH, job.request().mode() == ResultsMode.PUSH_EACH)
                .set(DM_JOB.CREATED_AT, odt(job.createdTime()))
                .set(DM_JOB.START_AT, odt(job.startAt()))
                .set(DM_JOB.END_AT, job.request().endTime() == null ? null : odt(job.request().endTime()))
                .set(DM_JOB.DUE_AT, odt(job.dueAt()))
                .execute();
    }

    @Override
    public Optional<Job> findJob(String jobId, boolean withTargets) {
        return db.select(withTargets ? List.of(DM_JOB.fields()) : JOB_FIELDS).from(DM_JOB).where(DM_JOB.ID.eq(jobId))
                .fetchOptional(r -> toJob(r, withTargets, JobCounts.of(db, jobId)));
    }

    @Override
    public Map<String, Long> counts(String jobId) {
        return JobCounts.of(db, jobId);
    }

    @Override
    public Optional<Job> findJobByClientCorrelator(String clientId, String clientCorrelator) {
        return db.select(DM_JOB.fields()).from(DM_JOB)
                .where(DM_JOB.CLIENT_ID.eq(clientId)).and(DM_JOB.CLIENT_CORRELATOR.eq(clientCorrelator))
                .fetchOptional(r -> toJob(r, true, JobCounts.of(db, r.get(DM_JOB.ID))));
    }

    @Override
    public Optional<String> findJobIdByClientCorrelator(String clientId, String clientCorrelator) {
        return db.select(DM_JOB.ID).from(DM_JOB)
                .where(DM_JOB.CLIENT_ID.eq(clientId)).and(DM_JOB.CLIENT_CORRELATOR.eq(clientCorrelator))
                .fetchOptional(DM_JOB.ID);
    }

    @Override
    public List<Job> jobsOf(String clientId, int offset, int limit) {
        return db.select(JOB_FIELDS).from(DM_JOB).where(DM_JOB.CLIENT_ID.eq(clientId))
                .orderBy(DM_JOB.CREATED_AT.desc(), DM_JOB.ID.desc()).offset(offset).limit(limit)
                .fetch(r -> toJob(r, false, JobCounts.of(db, r.get(DM_JOB.ID))));
    }

    @Override
    public int liveJobs(String clientId) {
        return db.fetchCount(DM_JOB, DM_JOB.CLIENT_ID.eq(clientId).and(DM_JOB.ENDED_AT.isNull()));
    }

    @Override
    public Optional<Job> claimDueJob(Instant now) {
        return db.select(JOB_FIELDS).from(DM_JOB)
                .where(DM_JOB.ENDED_AT.isNull()).and(DM_JOB.DUE_AT.le(odt(now)))
                .orderBy(DM_JOB.DUE_AT).limit(1)
                .forUpdate().skipLocked()
                .fetchOptional(r -> toJob(r, false, Map.of()));
    }

    @Override
    public Optional<Job> lockJob(String jobId) {
        return db.select(JOB_FIELDS).from(DM_JOB).where(DM_JOB.ID.eq(jobId)).forUpdate()
                .fetchOptional(r -> toJob(r, false, Map.of()));
    }

    @Override
    public void updateJob(Job job) {
        db.update(DM_JOB)
                .set(DM_JOB.STATE, job.state().name())
                .set(DM_JOB.STATE_REASON, job.stateReason())
                .set(DM_JOB.RUNNING_SINCE, job.runningSince() == null ? null : odt(job.runningSince()))
                .set(DM_JOB.CURSOR_INDEX, job.cursorIndex())
                .set(DM_JOB.CURSOR_DEV_ID, job.cursorDevId())
                .set(DM_JOB.NEXT_SEQ, job.nextSeq())
                .set(DM_JOB.EXPANDED, job.expanded())
                .set(DM_JOB.DISPATCHED, (int) job.dispatched())
                .set(DM_JOB.ENDED_AT, job.endedTime() == null ? null : odt(job.endedTime()))
                .set(DM_JOB.DUE_AT, odt(job.dueAt()))
                .where(DM_JOB.ID.eq(job.jobId()))
                .execute();
    }

    @Override
    public List<String> targetSlice(String jobId, int from, int limit) {
        return db.resultQuery("select t.value from dm_job j cross join lateral "
                        + "jsonb_array_elements_text(j.target_list) with ordinality as t(value, i) "
                        + "where j.id = {0} and t.i > {1} order by t.i limit {2}",
                        DSL.val(jobId), DSL.val(from), DSL.val(limit))
                .fetch(r -> r.get(0, String.class));
    }

    @Override
    public void insertExecutions(String jobId, int firstSeq, List<NewExecution> executions, ExecutionState state,
            String stateReason, Instant now) {
        if (executions.isEmpty()) {
            return;
        }
        boolean pushEach = pushEach(jobId);
        var insert = db.insertInto(DM_JOB_EXECUTION, DM_JOB_EXECUTION.JOB_ID, DM_JOB_EXECUTION.SEQ,
                DM_JOB_EXECUTION.TARGET, DM_JOB_EXECUTION.DEV_ID, DM_JOB_EXECUTION.STATE, DM_JOB_EXECUTION.REASON,
                DM_JOB_EXECUTION.ENDED_AT, DM_JOB_EXECUTION.UNPUSHED);
        Map<String, Long> counts = new HashMap<>();
        int seq = firstSeq;
        for (NewExecution e : executions) {
            ExecutionState s = e.devId() == null ? ExecutionState.REJECTED : state;
            insert = insert.values(jobId, seq++, e.target(), e.devId() == null ? null : e.devId().value(), s.name(),
                    e.devId() == null ? e.reason() : stateReason, s.isFinal() ? odt(now) : null,
                    pushEach && s.isFinal());
            counts.merge(s.name(), 1L, Long::sum);
        }
        insert.execute();
        JobCounts.move(db, jobId, counts);
    }

    @Override
    public Set<DevId> targeted(String jobId, Collection<DevId> devices) {
        if (devices.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(db.select(DM_JOB_EXECUTION.DEV_ID).from(DM_JOB_EXECUTION)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId))
                .and(DM_JOB_EXECUTION.DEV_ID.in(devices.stream().map(DevId::value).toList()))
                .fetch(r -> DevId.of(r.value1())));
    }

    @Override
    public FilterBatch expandFilter(String jobId, int firstSeq, DeviceFilter filter, Reach reach, String afterDevId,
            Instant snapshot, int limit, ExecutionState state, String stateReason, Instant now) {
        boolean pushEach = pushEach(jobId);
        var picked = DSL.select(DM_DEVICE.DEV_ID).from(DM_DEVICE)
                .where(DM_DEVICE.LAST_SEEN.isNotNull())
                .and(DM_DEVICE.CREATED_AT.le(odt(snapshot)))
                .and(afterDevId == null ? DSL.noCondition() : DM_DEVICE.DEV_ID.gt(afterDevId))
                .and(DeviceFilterSql.condition(filter))
                .and(DeviceFilterSql.condition(reach))
                .orderBy(DM_DEVICE.DEV_ID).limit(limit)
                .asTable("picked");
        Field<String> devId = picked.field(DM_DEVICE.DEV_ID);
        List<String> added = db.insertInto(DM_JOB_EXECUTION, DM_JOB_EXECUTION.JOB_ID, DM_JOB_EXECUTION.SEQ,
                        DM_JOB_EXECUTION.TARGET, DM_JOB_EXECUTION.DEV_ID, DM_JOB_EXECUTION.STATE,
                        DM_JOB_EXECUTION.REASON, DM_JOB_EXECUTION.ENDED_AT, DM_JOB_EXECUTION.UNPUSHED)
                .select(DSL.select(DSL.val(jobId),
                                DSL.rowNumber().over(DSL.orderBy(devId)).plus(firstSeq - 1).cast(Integer.class),
                                devId, devId, DSL.val(state.name()), DSL.val(stateReason),
                                DSL.val(state.isFinal() ? odt(now) : null, DM_JOB_EXECUTION.ENDED_AT),
                                DSL.val(pushEach && state.isFinal()))
                        .from(picked))
                .returning(DM_JOB_EXECUTION.DEV_ID)
                .fetch(DM_JOB_EXECUTION.DEV_ID);
        if (added.isEmpty()) {
            return new FilterBatch(0, null);
        }
        JobCounts.move(db, jobId, Map.of(state.name(), (long) added.size()));
        return new FilterBatch(added.size(), added.stream().max(String::compareTo).orElseThrow());
    }

    @Override
    public List<DevId> devicesOnLine(Line line, Reach reach) {
        return db.select(DM_DEVICE.DEV_ID).from(DM_DEVICE)
                .where(DM_DEVICE.LINE.eq(line.value())).and(DM_DEVICE.LAST_SEEN.isNotNull())
                .and(DeviceFilterSql.condition(reach))
                .orderBy(DM_DEVICE.DEV_ID).limit(1_000)
                .fetch(r -> DevId.of(r.value1()));
    }

    @Override
    public List<Execution> undispatched(String jobId, int limit) {
        return db.selectFrom(DM_JOB_EXECUTION)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId))
                .and(DM_JOB_EXECUTION.STATE.eq(ExecutionState.QUEUED.name()))
                .and(DM_JOB_EXECUTION.OPERATION_ID.isNull())
                .orderBy(DM_JOB_EXECUTION.SEQ).limit(limit)
                .forUpdate()
                .fetch(r -> new Execution(jobId, r.getSeq(), r.getTarget(), DevId.of(r.getDevId()),
                        ExecutionState.QUEUED, null, null, null));
    }

    @Override
    public void executionDispatched(String jobId, int seq, String operationId) {
        db.update(DM_JOB_EXECUTION).set(DM_JOB_EXECUTION.OPERATION_ID, operationId)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).and(DM_JOB_EXECUTION.SEQ.eq(seq))
                .execute();
    }

    @Override
    public void executionReason(String operationId, String reason) {
        db.update(DM_JOB_EXECUTION).set(DM_JOB_EXECUTION.REASON, reason)
                .where(DM_JOB_EXECUTION.OPERATION_ID.eq(operationId))
                .execute();
    }

    @Override
    public void endUndispatched(String jobId, List<Integer> seqs, ExecutionState state, String reason, Instant now) {
        int ended = endUndispatched(jobId, seqIn(seqs), state, reason, now);
        JobCounts.move(db, jobId, Map.of(ExecutionState.QUEUED.name(), (long) -ended, state.name(), (long) ended));
    }

    @Override
    public int cancelUndispatched(String jobId, String reason, int limit, Instant now) {
        // the seqs first, then an update by primary key: one plan whatever the job's size (an IN over a
        // LIMIT subquery may be planned as a nested loop over every execution of the job)
        List<Integer> first = db.select(DM_JOB_EXECUTION.SEQ).from(DM_JOB_EXECUTION)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId))
                .and(DM_JOB_EXECUTION.STATE.eq(ExecutionState.QUEUED.name()))
                .and(DM_JOB_EXECUTION.OPERATION_ID.isNull())
                .orderBy(DM_JOB_EXECUTION.SEQ).limit(limit)
                .fetch(DM_JOB_EXECUTION.SEQ);
        if (first.isEmpty()) {
            return 0;
        }
        int ended = endUndispatched(jobId, seqIn(first), ExecutionState.CANCELLED, reason, now);
        JobCounts.move(db, jobId, Map.of(ExecutionState.QUEUED.name(), (long) -ended,
                ExecutionState.CANCELLED.name(), (long) ended));
        return first.size();
    }

    /** seq = any(array): a primary-key lookup per seq, planned the same for any number of them. */
    private static Condition seqIn(List<Integer> seqs) {
        return DM_JOB_EXECUTION.SEQ.eq(DSL.any(seqs.toArray(Integer[]::new)));
    }

    private int endUndispatched(String jobId, Condition which, ExecutionState state, String reason, Instant now) {
        return db.update(DM_JOB_EXECUTION)
                .set(DM_JOB_EXECUTION.STATE, state.name())
                .set(DM_JOB_EXECUTION.REASON, reason)
                .set(DM_JOB_EXECUTION.ENDED_AT, odt(now))
                .set(DM_JOB_EXECUTION.UNPUSHED, pushEach(jobId))
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).and(which)
                .and(DM_JOB_EXECUTION.STATE.eq(ExecutionState.QUEUED.name()))
                .and(DM_JOB_EXECUTION.OPERATION_ID.isNull())
                .execute();
    }

    @Override
    public List<Operation> queuedOperationsOfJob(String jobId, int limit) {
        return db.selectFrom(DM_OPERATION)
                .where(DM_OPERATION.REQUESTER_KIND.eq(Requester.Kind.JOB.name()))
                .and(DM_OPERATION.REQUESTER_ID.eq(jobId))
                .and(DM_OPERATION.STATE.eq(OperationState.QUEUED.name()))
                .orderBy(DM_OPERATION.SEQ).limit(limit)
                .fetch(JooqDmStore::toOperation);
    }

    @Override
    public List<Execution> unpushed(String jobId, int limit) {
        return withOperations(DM_JOB_EXECUTION.JOB_ID.eq(jobId).and(DM_JOB_EXECUTION.UNPUSHED.isTrue()), 0, limit,
                true);
    }

    @Override
    public void markPushed(String jobId, List<Integer> seqs) {
        db.update(DM_JOB_EXECUTION).set(DM_JOB_EXECUTION.UNPUSHED, false)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).and(seqIn(seqs))
                .execute();
    }

    @Override
    public List<Execution> executions(String jobId, ExecutionState state, int afterSeq, int limit) {
        return withOperations(DM_JOB_EXECUTION.JOB_ID.eq(jobId)
                .and(state == null ? DSL.noCondition() : DM_JOB_EXECUTION.STATE.eq(state.name())), afterSeq, limit,
                false);
    }

    private List<Execution> withOperations(Condition which, int afterSeq, int limit, boolean lock) {
        var query = db.select(DM_JOB_EXECUTION.fields()).select(DM_OPERATION.fields())
                .from(DM_JOB_EXECUTION)
                .leftJoin(DM_OPERATION).on(DM_OPERATION.ID.eq(DM_JOB_EXECUTION.OPERATION_ID))
                .where(which).and(DM_JOB_EXECUTION.SEQ.gt(afterSeq))
                .orderBy(DM_JOB_EXECUTION.SEQ).limit(limit);
        List<Record> rows = lock ? query.forUpdate().of(DM_JOB_EXECUTION).fetch() : query.fetch();
        List<Execution> out = new ArrayList<>(rows.size());
        for (Record r : rows) {
            Operation operation = r.get(DM_OPERATION.ID) == null ? null
                    : JooqDmStore.toOperation(r.into(DM_OPERATION).into(DmOperationRecord.class));
            String devId = r.get(DM_JOB_EXECUTION.DEV_ID);
            out.add(new Execution(r.get(DM_JOB_EXECUTION.JOB_ID), r.get(DM_JOB_EXECUTION.SEQ),
                    r.get(DM_JOB_EXECUTION.TARGET), devId == null ? null : DevId.of(devId),
                    ExecutionState.valueOf(r.get(DM_JOB_EXECUTION.STATE)), r.get(DM_JOB_EXECUTION.REASON), operation,
                    r.get(DM_JOB_EXECUTION.ENDED_AT) == null ? null : instant(r.get(DM_JOB_EXECUTION.ENDED_AT))));
        }
        return out;
    }

    @Override
    public List<DmSubscription> jobSubscriptions(String clientId, Instant now) {
        return new JooqSubscriptionStore(db).clientSubscriptionsFor(clientId, DmEventType.JOB_COMPLETED, now);
    }

    @Override
    public void enqueue(OutboxMessage message, Instant now) {
        new JooqOutbox(db).enqueue(message, now);
    }

    @Override
    public int purgeEndedJobs(Instant before, int limit) {
        String jobId = db.select(DM_JOB.ID).from(DM_JOB).where(DM_JOB.ENDED_AT.lt(odt(before)))
                .orderBy(DM_JOB.ENDED_AT).limit(1).fetchOne(DM_JOB.ID);
        if (jobId == null) {
            return 0;
        }
        List<Integer> seqs = db.select(DM_JOB_EXECUTION.SEQ).from(DM_JOB_EXECUTION)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).limit(limit).fetch(DM_JOB_EXECUTION.SEQ);
        if (!seqs.isEmpty()) {
            return db.deleteFrom(DM_JOB_EXECUTION).where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).and(seqIn(seqs)).execute();
        }
        // no execution left: the job goes (its count rows with it)
        return db.deleteFrom(DM_JOB).where(DM_JOB.ID.eq(jobId)).execute();
    }

    private boolean pushEach(String jobId) {
        return Boolean.TRUE.equals(db.select(DM_JOB.PUSH_EACH).from(DM_JOB).where(DM_JOB.ID.eq(jobId))
                .fetchOne(DM_JOB.PUSH_EACH));
    }

    private static Job toJob(Record r, boolean withTargets, Map<String, Long> counts) {
        JSON list = withTargets ? r.get(DM_JOB.TARGET_LIST) : null;
        return new Job(r.get(DM_JOB.ID), r.get(DM_JOB.CLIENT_ID),
                DmJson.job(r.get(DM_JOB.REQUEST), list == null ? List.of() : DmJson.strings(list)),
                JobState.valueOf(r.get(DM_JOB.STATE)), r.get(DM_JOB.STATE_REASON), instant(r.get(DM_JOB.CREATED_AT)),
                instant(r.get(DM_JOB.START_AT)),
                r.get(DM_JOB.RUNNING_SINCE) == null ? null : instant(r.get(DM_JOB.RUNNING_SINCE)),
                r.get(DM_JOB.CURSOR_INDEX), r.get(DM_JOB.CURSOR_DEV_ID), r.get(DM_JOB.NEXT_SEQ),
                r.get(DM_JOB.EXPANDED), r.get(DM_JOB.DISPATCHED),
                r.get(DM_JOB.ENDED_AT) == null ? null : instant(r.get(DM_JOB.ENDED_AT)), instant(r.get(DM_JOB.DUE_AT)),
                counts);
    }
}
