package org.omatwin.core.dm.job;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationRejected;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationTransactions;
import org.omatwin.core.dm.operation.Operations;
import org.omatwin.core.dm.operation.Plan;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.infra.storage.Transactions;

/**
 * Bulk jobs (section 5): accept, read, cancel, and the work that carries them out. A job is accepted in
 * one short transaction; afterwards every core instance's worker calls {@link #work} repeatedly, and
 * each call is one transaction that locks one due job (others skip it) and takes one bounded step:
 * start it on schedule, expand a batch of targets into executions, dispatch a paced batch of them (each
 * becomes an operation whose requester is the job), push a batch of results, abort or end it. A crash
 * loses at most the step in flight, which the next worker redoes from the committed cursors.
 */
public final class JobUseCases {
    /** Executions per pushed result (5.1.6). */
    public static final int PUSH_BATCH = 500;
    /**
     * How long a running job that only waits for its devices sleeps before it looks again: each result
     * brings its next look forward to {@link #RESULT_LOOK} (the store does it with the result), so this
     * is a safety net, not what paces a job.
     */
    static final Duration IDLE = Duration.ofSeconds(30);
    /** A job looks at a result (its push, its abort threshold, its end) at most this long after it arrives. */
    public static final Duration RESULT_LOOK = Duration.ofSeconds(1);

    /**
     * The size of each step: targets expanded into executions per transaction, executions dispatched
     * per transaction (each locks its device and queues its operation), and how long a job whose step
     * failed waits before it is tried again.
     */
    public record Steps(int expansionBatch, int dispatchBatch, Duration retryFailed) {
        public static final Steps DEFAULT = new Steps(5_000, 100, Duration.ofSeconds(10));
    }

    private final Transactions<? extends JobStore> tx;
    private final DeviceQueue queue;
    private final OperationPlanner planner;
    private final CallbackTargetPolicy callbacks;
    private final Function<String, Optional<ClientPolicy>> policies;
    private final TargetResolver resolver;
    private final JobNotices notices;
    private final int maxLivePerClient;
    private final Steps steps;
    private final Clock clock;

    /**
     * @param policies the current policy of a client (policies are read at start; a client that lost
     *     its policy gets the rest of its executions Rejected)
     * @param maxLivePerClient jobs not yet ended per client (429 POL2005 beyond)
     */
    public JobUseCases(Transactions<? extends JobStore> tx, DeviceQueue queue, OperationPlanner planner,
            CallbackTargetPolicy callbacks, Function<String, Optional<ClientPolicy>> policies,
            TargetResolver resolver, JobNotices notices, int maxLivePerClient, Clock clock) {
        this(tx, queue, planner, callbacks, policies, resolver, notices, maxLivePerClient, Steps.DEFAULT, clock);
    }

    public JobUseCases(Transactions<? extends JobStore> tx, DeviceQueue queue, OperationPlanner planner,
            CallbackTargetPolicy callbacks, Function<String, Optional<ClientPolicy>> policies,
            TargetResolver resolver, JobNotices notices, int maxLivePerClient, Steps steps, Clock clock) {
        this.steps = steps;
        this.tx = tx;
        this.queue = queue;
        this.planner = planner;
        this.callbacks = callbacks;
        this.policies = policies;
        this.resolver = resolver;
        this.notices = notices;
        this.maxLivePerClient = maxLivePerClient;
        this.clock = clock;
    }

    public record Created(Job job, boolean created) {}

    /**
     * Accepts a job: nothing is expanded yet. Refused whole (403 POL0001 naming the rule) when its
     * operation breaks the client's node rules, or a pseudonymous client filters by line (5.2.3). A
     * clientCorrelator already used answers the existing job for the same body, 409 SVC2007 otherwise.
     */
    public Created create(String clientId, ClientPolicy policy, JobRequest request) {
        Instant now = clock.instant();
        request.checkSchedule(now);
        if (request.notifyUrl() != null) {
            callbacks.check(URI.create(request.notifyUrl()));
        }
        wholeJobPolicy(clientId, policy, request, now);
        return tx.inTransaction(store -> {
            if (request.clientCorrelator() != null) {
                Optional<Job> earlier = store.findJobByClientCorrelator(clientId, request.clientCorrelator());
                if (earlier.isPresent()) {
                    if (!earlier.get().request().equals(request)) {
                        throw ApiException.of(ApiError.CONFLICT, "clientCorrelator already used with another job",
                                "clientCorrelator");
                    }
                    return new Created(earlier.get(), false);
                }
            }
            if (store.liveJobs(clientId) >= maxLivePerClient) {
                throw ApiException.rateLimited("this client already has " + maxLivePerClient
                        + " jobs that have not ended, the most it may have", Duration.ofSeconds(60), "job");
            }
            Job job = Job.created(clientId, request, now);
            store.insertJob(job);
            store.recordTransaction(JobTransactions.created(job));
            return new Created(job, true);
        });
    }

    private void wholeJobPolicy(String clientId, ClientPolicy policy, JobRequest request, Instant now) {
        if (policy.pseudonyms() && request.targets() instanceof Targets.Filter f && f.filter().anyOf().stream()
                .flatMap(List::stream).anyMatch(t -> t.field() == DeviceFilter.Field.LINE)) {
            throw ApiException.of(ApiError.POLICY_LIMIT, "this client sees pseudonyms only and may not select "
                    + "devices by line", "pseudonyms");
        }
        Plan plan;
        try {
            // planned as the client's: a package must be one of its own, Verified (a device's fit is per device)
            plan = planner.plan(Requester.client(clientId), "job", request.operation().forDevice(JobOperation.PLANNED,
                    null), now);
        } catch (OperationRejected perDevice) {
            return;
        }
        try {
            policy.checkCommands(plan.commands());
        } catch (ApiException refused) {
            throw ApiException.of(ApiError.POLICY_LIMIT, "the job's operation breaks this client's node rules: "
                    + refused.text(), "nodes " + String.join(",", refused.variables()));
        }
    }

    /** The client's job with its counts (others: 404 SVC2008). */
    public Job get(String clientId, String jobId) {
        return tx.read(store -> own(store.findJob(jobId, false), clientId, jobId));
    }

    /**
     * The client's job it named with {@code clientCorrelator} (a secondary DM server's batchId, section
     * 11), with its counts; none of this client's: 404 SVC2008, as for another client's job.
     */
    public Job byClientCorrelator(String clientId, String clientCorrelator) {
        return tx.read(store -> store.findJobIdByClientCorrelator(clientId, clientCorrelator)
                .flatMap(id -> store.findJob(id, false))).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND,
                        "no job " + clientCorrelator + " of this client", "clientCorrelator"));
    }

    /** The client's jobs, newest first. */
    public List<Job> list(String clientId, int offset, int limit) {
        return tx.read(store -> store.jobsOf(clientId, offset, limit));
    }

    /** The job's executions after {@code afterSeq} (of one state when given), in target order. */
    public List<Execution> executions(String clientId, String jobId, ExecutionState state, int afterSeq, int limit) {
        return tx.inTransaction(store -> {
            own(store.findJob(jobId, false), clientId, jobId);
            return store.executions(jobId, state, afterSeq, limit);
        });
    }

    /**
     * Stops the job: the workers then end its undelivered executions Cancelled (in batches); delivered
     * ones run to their result. An ended, cancelled or aborted job is answered as it is.
     */
    public Job cancel(String clientId, String jobId) {
        Job cancelled = tx.inTransaction(store -> {
            Job job = own(store.lockJob(jobId), clientId, jobId);
            if (!job.state().isLive() || job.isEnded()) {
                return job;
            }
            Job next = job.stopped(JobState.CANCELLED, "cancelled by the requester").due(clock.instant());
            store.updateJob(next);
            store.recordTransaction(JobTransactions.stopped(next, clock.instant()));
            return next;
        });
        return get(clientId, cancelled.jobId());
    }

    /**
     * One step of one due job, if any (see the class comment). Returns whether a job was worked on, so a
     * worker loops while there is work and rests otherwise.
     */
    public boolean work() {
        Instant now = clock.instant();
        String[] claimedId = new String[1];
        try {
            return queue.inTransaction(tx, (store, q) -> {
                Optional<Job> claimed = store.claimDueJob(now);
                claimed.ifPresent(job -> {
                    claimedId[0] = job.jobId();
                    step(store, q, job, now);
                });
                return claimed.isPresent();
            });
        } catch (RuntimeException failed) {
            // the step rolled back; the job waits a little, so that one failing job does not hold up the rest
            if (claimedId[0] != null) {
                tx.inTransaction(store -> {
                    store.lockJob(claimedId[0]).ifPresent(j -> store.updateJob(j.due(now.plus(steps.retryFailed()))));
                    return null;
                });
            }
            throw failed;
        }
    }

    private void step(JobStore store, DeviceQueue.Tx q, Job claimed, Instant now) {
        Job job = claimed;
        if (job.state() == JobState.SCHEDULED) {
            if (now.isBefore(job.startAt())) {
                store.updateJob(job.due(job.startAt()));
                return;
            }
            job = job.running(now);
            store.recordTransaction(JobTransactions.started(job, now));
        }
        if (!job.expanded()) {
            job = expand(store, job, stopping(job, now), now);
        }
        boolean more = false;
        if (job.state() == JobState.RUNNING) {
            // before any more are dispatched: the results so far may already say stop
            Job checked = abortIfFailing(store, job.withCounts(store.counts(job.jobId())), now);
            more = checked.state() != job.state();
            job = checked;
        }
        String stopping = stopping(job, now);
        if (stopping != null) {
            more |= stop(store, q, job, stopping, now);
        } else {
            long before = job.dispatched();
            job = dispatch(store, q, job, now);
            more |= job.dispatched() - before == steps.dispatchBatch();
        }
        if (job.request().mode() == ResultsMode.PUSH_EACH) {
            more |= push(store, job, now);
        }
        job = job.withCounts(store.counts(job.jobId()));
        if (job.expanded() && job.open() == 0 && !more) {
            job = job.ended(now);
            complete(store, job, now);
            store.updateJob(job);
            return;
        }
        store.updateJob(job.due(more || !job.expanded() ? now : nextLook(job, now)));
    }

    /** Why no more executions may become deliverable (cancelled, aborted, past its endTime), or null. */
    private static String stopping(Job job, Instant now) {
        return switch (job.state()) {
            case CANCELLED -> "the job was cancelled";
            case ABORTED -> "the job was aborted";
            default -> job.request().endTime() != null && !now.isBefore(job.request().endTime())
                    ? "the job's endTime passed before delivery" : null;
        };
    }

    /**
     * One batch of targets into executions, with the cursor, in this transaction: a crash before the
     * commit redoes the batch; after it, the next batch follows. A stopping job still gives every
     * target its one execution, Cancelled.
     */
    private Job expand(JobStore store, Job job, String stopping, Instant now) {
        ExecutionState state = stopping == null ? ExecutionState.QUEUED : ExecutionState.CANCELLED;
        Optional<ClientPolicy> policy = policies.apply(job.clientId());
        return switch (job.request().targets()) {
            case Targets.Filter f -> {
                if (policy.isEmpty()) {
                    yield job.expandedTo(job.cursorIndex(), job.cursorDevId(), job.nextSeq(), true);
                }
                Instant snapshot = job.runningSince() != null ? job.runningSince() : job.createdTime();
                JobStore.FilterBatch batch = store.expandFilter(job.jobId(), job.nextSeq(), f.filter(),
                        policy.get().reach(), job.cursorDevId(), snapshot, steps.expansionBatch(), state, stopping, now);
                yield job.expandedTo(job.cursorIndex(), batch.added() == 0 ? job.cursorDevId() : batch.lastDevId(),
                        job.nextSeq() + batch.added(), batch.added() < steps.expansionBatch());
            }
            case Targets.Devices d -> expandList(store, job, policy, false, state, stopping, now);
            case Targets.Users u -> expandList(store, job, policy, true, state, stopping, now);
        };
    }

    private Job expandList(JobStore store, Job job, Optional<ClientPolicy> policy, boolean lines,
            ExecutionState state, String stopping, Instant now) {
        List<String> slice = store.targetSlice(job.jobId(), job.cursorIndex(), lines ? steps.dispatchBatch()
                : steps.expansionBatch());
        List<JobStore.NewExecution> rows = new ArrayList<>();
        for (String ref : slice) {
            if (policy.isEmpty()) {
                rows.add(new JobStore.NewExecution(ref, null, "outside the caller's policy: it has none"));
            } else if (lines) {
                Optional<Line> line = resolver.line(job.clientId(), ref);
                List<DevId> devices = line.map(l -> store.devicesOnLine(l, policy.get().reach())).orElse(List.of());
                if (devices.isEmpty()) {
                    rows.add(new JobStore.NewExecution(ref, null, line.isEmpty() ? "not a line this client may name"
                            : "no device known on this line within the caller's policy"));
                }
                devices.forEach(devId -> rows.add(new JobStore.NewExecution(ref, devId, null)));
            } else {
                TargetResolver.Resolution r = resolver.device(job.clientId(), ref);
                rows.add(new JobStore.NewExecution(ref, r.devId(), r.reason()));
            }
        }
        // a device named twice (its devId and its line, or on two lines) runs once: the rest are Rejected
        Set<DevId> seen = new HashSet<>(store.targeted(job.jobId(), rows.stream()
                .map(JobStore.NewExecution::devId).filter(d -> d != null).toList()));
        List<JobStore.NewExecution> unique = new ArrayList<>();
        for (JobStore.NewExecution e : rows) {
            unique.add(e.devId() == null || seen.add(e.devId()) ? e
                    : new JobStore.NewExecution(e.target(), null, "the same device as another target of the job"));
        }
        store.insertExecutions(job.jobId(), job.nextSeq(), unique, state, stopping, now);
        boolean done = slice.size() < (lines ? steps.dispatchBatch() : steps.expansionBatch());
        return job.expandedTo(job.cursorIndex() + slice.size(), null, job.nextSeq() + unique.size(), done);
    }

    /**
     * Makes a paced batch of executions deliverable: each becomes an operation of the job on its device
     * (planned and checked against the client's node rules as it is now; refused: Rejected).
     */
    private Job dispatch(JobStore store, DeviceQueue.Tx q, Job job, Instant now) {
        long budget = Math.min(steps.dispatchBatch(), Pacing.allowed(job.request().maxPerMinute(), job.runningSince(), now)
                - job.dispatched());
        if (budget <= 0) {
            return job;
        }
        List<Execution> batch = new ArrayList<>(store.undispatched(job.jobId(), (int) budget));
        batch.sort(Comparator.comparing(e -> e.devId().value())); // device locks in one order: no deadlock
        Optional<ClientPolicy> policy = policies.apply(job.clientId());
        Requester requester = Requester.job(job.jobId(), job.clientId());
        for (Execution e : batch) {
            OperationRequest request = job.request().operation().forDevice(e.devId(), job.request().timeoutSeconds());
            String operationId = DmIds.operation();
            Plan plan;
            try {
                plan = planner.plan(requester, operationId, request, now);
                policy.orElseThrow(() -> ApiException.of(ApiError.POLICY_LIMIT, "the client has no policy", "policy"))
                        .checkCommands(plan.commands());
            } catch (ApiException | OperationRejected refused) {
                // e.g. the device outside a package's targets, or the policy refusing a node now
                store.endUndispatched(job.jobId(), List.of(e.seq()), ExecutionState.REJECTED, refused.getMessage(),
                        now);
                store.recordTransaction(OperationTransactions.refused(requester, request, refused.getMessage(), now));
                continue;
            }
            q.lock(e.devId(), now);
            Operation operation = Operation.queued(operationId, store.nextOperationSeq(), requester,
                    request.withoutSecrets(), now);
            store.insertOperation(operation);
            plan.dataItems().forEach(store::insertDataItem);
            store.insertCommands(plan.commands());
            store.executionDispatched(job.jobId(), e.seq(), operationId);
            q.reconcile(e.devId(), now);
        }
        return job.withDispatched(job.dispatched() + batch.size());
    }

    /**
     * A stopping job: undispatched executions end Cancelled, dispatched undelivered ones are cancelled
     * (delivered ones run to their result). True when more are left for the next step.
     */
    private boolean stop(JobStore store, DeviceQueue.Tx q, Job job, String reason, Instant now) {
        int cancelled = store.cancelUndispatched(job.jobId(), reason, steps.expansionBatch(), now);
        List<Operation> queued = new ArrayList<>(store.queuedOperationsOfJob(job.jobId(), steps.dispatchBatch()));
        queued.sort(Comparator.comparing(o -> o.devId().value()));
        for (Operation candidate : queued) {
            q.lock(candidate.devId(), now);
            Operation operation = store.findOperation(candidate.operationId()).orElseThrow();
            if (operation.state() == OperationState.QUEUED) {
                Operations.save(store, operation.cancelled(now));
                store.executionReason(operation.operationId(), reason);
                q.reconcile(operation.devId(), now);
            }
        }
        return cancelled == steps.expansionBatch() || queued.size() == steps.dispatchBatch();
    }

    /** pushEach: one notification of up to 500 ended executions; true when more are waiting. */
    private boolean push(JobStore store, Job job, Instant now) {
        List<Execution> ended = store.unpushed(job.jobId(), PUSH_BATCH);
        if (ended.isEmpty()) {
            return false;
        }
        notices.results(job, ended).ifPresent(body -> store.enqueue(new OutboxMessage(Ids.newId(),
                "job:" + job.jobId(), new Target.Callback(URI.create(job.request().notifyUrl())),
                "dm.jobResults", body, "job " + job.jobId(), null, now), now));
        store.markPushed(job.jobId(), ended.stream().map(Execution::seq).toList());
        return ended.size() == PUSH_BATCH;
    }

    /** Aborted once Failed + TimedOut reach the threshold of the executions that ran to a result. */
    private Job abortIfFailing(JobStore store, Job job, Instant now) {
        Integer threshold = job.request().failureThresholdPercent();
        if (threshold == null) {
            return job;
        }
        long failed = job.count(ExecutionState.FAILED) + job.count(ExecutionState.TIMED_OUT);
        long ran = failed + job.count(ExecutionState.SUCCEEDED);
        if (ran < job.request().minimumEnded() || failed * 100 < (long) threshold * ran) {
            return job;
        }
        Job aborted = job.stopped(JobState.ABORTED, failed + " of " + ran + " executions failed or timed out (" 
                + "threshold " + threshold + " %)");
        store.recordTransaction(JobTransactions.stopped(aborted, now));
        return aborted; // the next step stops it
    }

    /** Every execution ended: jobCompleted to the callback (pushOnCompletion) and to subscriptions. */
    private void complete(JobStore store, Job job, Instant now) {
        store.recordTransaction(JobTransactions.ended(job, now));
        if (job.request().mode() == ResultsMode.PUSH_ON_COMPLETION) {
            notices.completed(job, null).ifPresent(body -> store.enqueue(new OutboxMessage(Ids.newId(),
                    "job:" + job.jobId(), new Target.Callback(URI.create(job.request().notifyUrl())),
                    "dm.jobCompleted", body, "job " + job.jobId(), null, now), now));
        }
        for (DmSubscription s : store.jobSubscriptions(job.clientId(), now)) {
            notices.completed(job, s).ifPresent(body -> store.enqueue(new OutboxMessage(Ids.newId(),
                    s.subscriptionId(), new Target.Callback(s.request().callback().notifyUrl()), "dm.jobCompleted",
                    body, "job " + job.jobId(), null, now), now));
        }
    }

    /** When to look again: the next paced dispatch, the endTime, or {@link #IDLE} from now (a result: sooner). */
    private static Instant nextLook(Job job, Instant now) {
        Instant next = now.plus(IDLE);
        Instant paced = Pacing.nextAllowed(job.request().maxPerMinute(), job.runningSince(), job.dispatched());
        if (paced != null && paced.isAfter(now) && paced.isBefore(next)) { // the pace holds the next dispatch back
            next = paced;
        }
        Instant end = job.request().endTime();
        return end != null && end.isAfter(now) && end.isBefore(next) ? end : next;
    }

    /** Ended jobs leave after the retention period, with their executions, in batches. */
    public int purge(Instant before, int limit) {
        return tx.inTransaction(store -> store.purgeEndedJobs(before, limit));
    }

    private static Job own(Optional<Job> job, String clientId, String jobId) {
        return job.filter(j -> j.clientId().equals(clientId)).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND,
                "no job " + jobId, "jobId"));
    }
}
