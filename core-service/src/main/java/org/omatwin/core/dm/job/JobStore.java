package org.omatwin.core.dm.job;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.session.SessionStore;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.outbox.OutboxMessage;

/**
 * Jobs, their executions and counts (section 5), on top of the device queue's store: a step of a job's
 * work dispatches operations in the same transaction that moves the job. Every call runs inside the
 * caller's transaction.
 */
public interface JobStore extends SessionStore {

    /** A new execution: a device (state Queued, or the state given) or a target refused with its reason. */
    record NewExecution(String target, DevId devId, String reason) {}

    /** A batch of a filter's expansion: how many executions it added and the last device. */
    record FilterBatch(int added, String lastDevId) {}

    void insertJob(Job job);

    /** The job with its counts; with its target list when {@code withTargets}. */
    Optional<Job> findJob(String jobId, boolean withTargets);

    /** The job's counts per execution state (the sums of its count rows), without reading the job. */
    Map<String, Long> counts(String jobId);

    /** The client's job with this clientCorrelator, with its target list (to compare bodies). */
    Optional<Job> findJobByClientCorrelator(String clientId, String clientCorrelator);

    /** The id of the client's job with this clientCorrelator (without reading its targets). */
    Optional<String> findJobIdByClientCorrelator(String clientId, String clientCorrelator);

    /** The client's jobs, newest first, without their target lists. */
    List<Job> jobsOf(String clientId, int offset, int limit);

    /** The client's jobs that have not ended. */
    int liveJobs(String clientId);

    /**
     * Locks one job whose work is due ({@code dueAt <= now}, not ended), skipping jobs another core
     * instance holds, so instances share jobs and never work on one at once. Without its target list.
     */
    Optional<Job> claimDueJob(Instant now);

    /** Locks the job for a change (cancel), without its target list. */
    Optional<Job> lockJob(String jobId);

    /** Writes the job's state, cursors and due time (not its request). */
    void updateJob(Job job);

    /** Entries {@code from} (0-based) to {@code from + limit} of the job's target list. */
    List<String> targetSlice(String jobId, int from, int limit);

    /**
     * Adds executions at seq {@code firstSeq}, {@code firstSeq + 1}, ...: devices in state {@code state}
     * (reason as given), refused targets Rejected with theirs; the counts move with them.
     */
    void insertExecutions(String jobId, int firstSeq, List<NewExecution> executions, ExecutionState state,
            String stateReason, Instant now);

    /** Of these devices, those that already have an execution in the job. */
    Set<DevId> targeted(String jobId, Collection<DevId> devices);

    /**
     * Adds an execution for each device matching the filter within the reach, known at {@code snapshot},
     * after {@code afterDevId} in devId order, at most {@code limit}, from seq {@code firstSeq}; the
     * counts move with them.
     */
    FilterBatch expandFilter(String jobId, int firstSeq, DeviceFilter filter, Reach reach, String afterDevId,
            Instant snapshot, int limit, ExecutionState state, String stateReason, Instant now);

    /** The devices seen on the line, within the reach, by devId. */
    List<DevId> devicesOnLine(Line line, Reach reach);

    /** The job's executions not yet dispatched, in seq order, locked. */
    List<Execution> undispatched(String jobId, int limit);

    void executionDispatched(String jobId, int seq, String operationId);

    /** Why the execution of this operation ended as it did (a stopping job cancelled it). */
    void executionReason(String operationId, String reason);

    /** Ends undispatched executions (Rejected, Cancelled) with the reason; the counts move with them. */
    void endUndispatched(String jobId, List<Integer> seqs, ExecutionState state, String reason, Instant now);

    /** Cancels up to {@code limit} undispatched executions at once; returns how many. */
    int cancelUndispatched(String jobId, String reason, int limit, Instant now);

    /** Operations of the job's executions still Queued (dispatched, not delivered), oldest first. */
    List<Operation> queuedOperationsOfJob(String jobId, int limit);

    /** The job's ended executions still to push (pushEach), locked, with their operations. */
    List<Execution> unpushed(String jobId, int limit);

    void markPushed(String jobId, List<Integer> seqs);

    /** The job's executions after {@code afterSeq}, of one state when given, in seq order, with operations. */
    List<Execution> executions(String jobId, ExecutionState state, int afterSeq, int limit);

    /** The client's live subscriptions that asked for jobCompleted. */
    List<DmSubscription> jobSubscriptions(String clientId, Instant now);

    void enqueue(OutboxMessage message, Instant now);

    /**
     * Removes up to {@code limit} executions of the oldest job that ended before {@code before}, or that
     * job once it has none left; returns how many rows went (0: nothing left to purge).
     */
    int purgeEndedJobs(Instant before, int limit);
}
