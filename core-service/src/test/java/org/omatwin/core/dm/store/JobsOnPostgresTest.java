package org.omatwin.core.dm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.store.schema.Tables.DM_JOB;
import static org.omatwin.core.store.schema.Tables.DM_JOB_EXECUTION;
import static org.omatwin.core.store.schema.Tables.DM_OPERATION;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.job.ExecutionState;
import org.omatwin.core.dm.job.Job;
import org.omatwin.core.dm.job.JobNotices;
import org.omatwin.core.dm.job.JobOperation;
import org.omatwin.core.dm.job.JobRequest;
import org.omatwin.core.dm.job.JobUseCases;
import org.omatwin.core.dm.job.TargetResolver;
import org.omatwin.core.dm.job.Targets;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.session.PendingSessionListener;
import org.omatwin.core.infra.storage.Transactions;

/**
 * Jobs on PostgreSQL under the conditions section 5 names: several core instances working one job
 * at once, and steps that die after doing their work but before their commit (a crash at the worst
 * moment), during expansion and during dispatch. Afterwards every target has exactly one execution
 * and every dispatched execution exactly one operation; the counts kept as the job ran equal a count
 * of the rows.
 */
class JobsOnPostgresTest {
    private static final int DEVICES = 2_400;
    /** Small steps, so that the job takes many expansion and dispatch transactions. */
    private static final JobUseCases.Steps STEPS = new JobUseCases.Steps(300, 40, Duration.ZERO);

    /** Transactions that, when {@code crashing}, fail one in three after the work, before the commit. */
    private record Crashing<S>(Transactions<S> delegate, AtomicBoolean crashing, AtomicInteger crashes)
            implements Transactions<S> {
        @Override
        public <T> T inTransaction(Function<S, T> work) {
            return delegate.inTransaction(store -> {
                T result = work.apply(store);
                if (crashing.get() && ThreadLocalRandom.current().nextInt(3) == 0) {
                    crashes.incrementAndGet();
                    throw new IllegalStateException("simulated crash before the commit");
                }
                return result;
            });
        }
    }

    private static JobUseCases instance(Transactions<JooqJobStore> tx, String clientId) {
        TargetResolver none = new TargetResolver() {
            @Override
            public Resolution device(String client, String ref) {
                return Resolution.rejected("unknown device");
            }

            @Override
            public Optional<org.omatwin.core.dm.device.Line> line(String client, String ref) {
                return Optional.empty();
            }
        };
        JobNotices silent = new JobNotices() {
            @Override
            public Optional<String> completed(Job job, org.omatwin.core.dm.subscription.DmSubscription s) {
                return Optional.empty();
            }

            @Override
            public Optional<String> results(Job job, List<org.omatwin.core.dm.job.Execution> executions) {
                return Optional.empty();
            }
        };
        return new JobUseCases(tx, new DeviceQueue(DmPostgres.transactions(), PendingSessionListener.NONE),
                new OperationPlanner(OperationPlanner.NO_PACKAGES), url -> {},
                c -> Optional.of(ClientPolicy.unrestricted(c)), none, silent, 100, STEPS, Clock.systemUTC());
    }

    /** {@code n} devices of model {@code model}, known (seen) an hour ago, in one statement. */
    private static void seed(String model, int n) {
        DmPostgres.database().dsl().execute("insert into dm_device (dev_id, man, mod, supported_mos, last_seen, "
                + "created_at) select 'urn:imei:' || lpad((" + ThreadLocalRandom.current().nextLong(100_000_000L)
                + "::bigint * 10000000 + g)::text, 15, '0'), 'Acme', {0}, '[]'::jsonb, now() - interval '1 hour', "
                + "now() - interval '1 hour' from generate_series(1, {1}) g", DSL.val(model), DSL.val(n));
    }

    @Test
    void twoInstancesAndCrashesMidStepLeaveExactlyOneExecutionAndOneOperationPerDevice() throws Exception {
        String model = "W-" + ThreadLocalRandom.current().nextInt(1_000_000);
        seed(model, DEVICES);
        AtomicBoolean crashing = new AtomicBoolean(false);
        AtomicInteger crashes = new AtomicInteger();
        Transactions<JooqJobStore> plain = DmPostgres.database().transactions(JooqJobStore::new);
        JobUseCases first = instance(new Crashing<>(plain, crashing, crashes), "fleet-ops");
        JobUseCases second = instance(new Crashing<>(plain, crashing, crashes), "fleet-ops");
        JobRequest request = new JobRequest(new JobOperation(OperationType.RETRIEVE,
                OperationArguments.uris(List.of("./DevDetail")), SessionMode.BACKGROUND),
                new Targets.Filter("mod==" + model), null, null, null, null, null, null, null, null, null, null);
        String jobId = first.create("fleet-ops", ClientPolicy.unrestricted("fleet-ops"), request).job().jobId();
        crashing.set(true); // from here on, one step in three dies before its commit

        // two instances, two workers each, until every device has its operation
        List<Thread> workers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        for (JobUseCases instance : List.of(first, second, first, second)) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (!instance.work()) {
                            Thread.sleep(20);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException crashed) {
                        // the step rolled back, as if its process had died before the commit
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        var db = DmPostgres.database().dsl();
        Instant until = Instant.now().plusSeconds(180);
        while (db.fetchCount(DM_OPERATION, DM_OPERATION.REQUESTER_ID.eq(jobId)) < DEVICES) {
            assertThat(Instant.now()).as("dispatch finished in time").isBefore(until);
            Thread.sleep(200);
        }
        crashing.set(false);
        assertThat(crashes.get()).as("steps that died before their commit").isGreaterThan(5);

        assertThat(db.fetchCount(DM_JOB_EXECUTION, DM_JOB_EXECUTION.JOB_ID.eq(jobId))).isEqualTo(DEVICES);
        assertThat(db.fetchCount(db.selectDistinct(DM_JOB_EXECUTION.DEV_ID).from(DM_JOB_EXECUTION)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)))).isEqualTo(DEVICES);
        // seqs 1..N without a gap, each execution dispatched once to an operation of its own device
        var seqs = db.select(DSL.min(DM_JOB_EXECUTION.SEQ), DSL.max(DM_JOB_EXECUTION.SEQ)).from(DM_JOB_EXECUTION)
                .where(DM_JOB_EXECUTION.JOB_ID.eq(jobId)).fetchOne();
        assertThat(seqs.value1()).isEqualTo(1);
        assertThat(seqs.value2()).isEqualTo(DEVICES);
        assertThat(db.fetchCount(db.selectDistinct(DM_OPERATION.DEV_ID).from(DM_OPERATION)
                .where(DM_OPERATION.REQUESTER_ID.eq(jobId)))).isEqualTo(DEVICES);
        assertThat(db.fetchCount(DM_JOB_EXECUTION.join(DM_OPERATION).on(DM_OPERATION.ID.eq(DM_JOB_EXECUTION
                .OPERATION_ID)).and(DM_OPERATION.DEV_ID.eq(DM_JOB_EXECUTION.DEV_ID)), DM_JOB_EXECUTION.JOB_ID
                .eq(jobId))).isEqualTo(DEVICES);
        Job job = first.get("fleet-ops", jobId);
        assertThat(job.count(ExecutionState.QUEUED)).isEqualTo(DEVICES);
        assertThat(job.dispatched()).isEqualTo(DEVICES);
        assertThat(job.expanded()).isTrue();

        // cancel: every undelivered execution ends Cancelled, and the job ends with counts that add up
        first.cancel("fleet-ops", jobId);
        until = Instant.now().plusSeconds(180);
        while (!first.get("fleet-ops", jobId).isEnded()) {
            assertThat(Instant.now()).as("cancel finished in time").isBefore(until);
            Thread.sleep(200);
        }
        stop.set(true);
        for (Thread t : workers) {
            t.join(10_000);
        }
        Job ended = first.get("fleet-ops", jobId);
        assertThat(ended.counts()).isEqualTo(java.util.Map.of("CANCELLED", (long) DEVICES));
        assertThat(db.fetchCount(DM_JOB_EXECUTION, DM_JOB_EXECUTION.JOB_ID.eq(jobId)
                .and(DM_JOB_EXECUTION.STATE.eq("CANCELLED")))).isEqualTo(DEVICES);
        assertThat(db.fetchCount(DM_OPERATION, DM_OPERATION.REQUESTER_ID.eq(jobId)
                .and(DM_OPERATION.STATE.eq("CANCELLED")))).isEqualTo(DEVICES);

        // retention: ended before the cut-off, the job and its executions leave in batches
        int purged;
        int total = 0;
        do {
            purged = first.purge(Instant.now().plusSeconds(1), 1_000);
            total += purged;
        } while (purged > 0);
        assertThat(total).isGreaterThan(DEVICES);
        assertThat(db.fetchCount(DM_JOB, DM_JOB.ID.eq(jobId))).isZero();
        assertThat(db.fetchCount(DM_JOB_EXECUTION, DM_JOB_EXECUTION.JOB_ID.eq(jobId))).isZero();
    }

    @Test
    void aJobWaitingForItsDevicesSleepsUntilAResultArrivesThenLooksWithinASecond() {
        String model = "W-" + ThreadLocalRandom.current().nextInt(1_000_000);
        seed(model, 3);
        JobUseCases jobs = instance(DmPostgres.database().transactions(JooqJobStore::new), "fleet-ops");
        JobRequest request = new JobRequest(new JobOperation(OperationType.RETRIEVE,
                OperationArguments.uris(List.of("./DevDetail")), SessionMode.BACKGROUND),
                new Targets.Filter("mod==" + model), null, null, null, null, null, null, null, null, null, null);
        String jobId = jobs.create("fleet-ops", ClientPolicy.unrestricted("fleet-ops"), request).job().jobId();
        var db = DmPostgres.database().dsl();
        for (int i = 0; i < 20 && db.fetchCount(DM_OPERATION, DM_OPERATION.REQUESTER_ID.eq(jobId)) < 3; i++) {
            jobs.work();
        }
        assertThat(db.fetchCount(DM_OPERATION, DM_OPERATION.REQUESTER_ID.eq(jobId))).isEqualTo(3);
        Instant dueAt = db.select(DM_JOB.DUE_AT).from(DM_JOB).where(DM_JOB.ID.eq(jobId)).fetchOne(DM_JOB.DUE_AT)
                .toInstant();
        assertThat(dueAt).as("nothing to do but wait: the job sleeps").isAfter(Instant.now().plusSeconds(20));

        // one device's operation ends (cancelled by its requester, the job): the job looks within a second
        String operationId = db.select(DM_OPERATION.ID).from(DM_OPERATION).where(DM_OPERATION.REQUESTER_ID.eq(jobId))
                .limit(1).fetchOne(DM_OPERATION.ID);
        new org.omatwin.core.dm.dmwsi.OperationUseCases(new DeviceQueue(DmPostgres.transactions(),
                PendingSessionListener.NONE), new OperationPlanner(OperationPlanner.NO_PACKAGES), url -> {},
                Clock.systemUTC()).cancel(org.omatwin.core.dm.operation.Requester.job(jobId, "fleet-ops"), operationId);
        dueAt = db.select(DM_JOB.DUE_AT).from(DM_JOB).where(DM_JOB.ID.eq(jobId)).fetchOne(DM_JOB.DUE_AT).toInstant();
        assertThat(dueAt).isBefore(Instant.now().plus(JobUseCases.RESULT_LOOK).plusMillis(1));
        assertThat(jobs.get("fleet-ops", jobId).count(ExecutionState.CANCELLED)).isEqualTo(1);
    }
}
