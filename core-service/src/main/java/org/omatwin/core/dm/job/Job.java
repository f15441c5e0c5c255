package org.omatwin.core.dm.job;

import java.time.Instant;
import java.util.Map;
import org.omatwin.core.dm.common.DmIds;

/**
 * A bulk job as stored (section 5): who created it, what it asked, where its work stands. Its counts
 * per execution state are read with it (sums of the job's count rows), never counted from executions.
 * Immutable: each step of the work returns the next value.
 *
 * @param startAt when it may begin running (its startTime, or its creation)
 * @param runningSince when it began running: pacing counts from here; a filter is the devices known then
 * @param cursorIndex expansion of a list: the number of entries expanded
 * @param cursorDevId expansion of a filter: the last device expanded
 * @param nextSeq the seq the next execution gets
 * @param dispatched executions made deliverable so far (pacing)
 * @param endedTime when every execution had ended and the completion was notified (null before)
 * @param dueAt when a worker looks at it next
 */
public record Job(String jobId, String clientId, JobRequest request, JobState state, String stateReason,
        Instant createdTime, Instant startAt, Instant runningSince, int cursorIndex, String cursorDevId, int nextSeq,
        boolean expanded, long dispatched, Instant endedTime, Instant dueAt, Map<String, Long> counts) {

    public Job {
        counts = Map.copyOf(counts);
    }

    static Job created(String clientId, JobRequest request, Instant now) {
        Instant startAt = request.startAt(now);
        return new Job(DmIds.job(), clientId, request, JobState.SCHEDULED, null, now, startAt, null, 0, null, 1,
                false, 0, null, startAt, Map.of());
    }

    public long count(ExecutionState executionState) {
        return counts.getOrDefault(executionState.name(), 0L);
    }

    /** Executions not yet final: Queued (dispatched or not) and Delivered. */
    public long open() {
        return count(ExecutionState.QUEUED) + count(ExecutionState.DELIVERED);
    }

    public boolean isEnded() {
        return endedTime != null;
    }

    Job running(Instant now) {
        return new Job(jobId, clientId, request, JobState.RUNNING, stateReason, createdTime, startAt, now, cursorIndex,
                cursorDevId, nextSeq, expanded, dispatched, endedTime, dueAt, counts);
    }

    Job stopped(JobState next, String reason) {
        return new Job(jobId, clientId, request, next, reason, createdTime, startAt, runningSince, cursorIndex,
                cursorDevId, nextSeq, expanded, dispatched, endedTime, dueAt, counts);
    }

    Job expandedTo(int index, String devId, int seq, boolean done) {
        return new Job(jobId, clientId, request, state, stateReason, createdTime, startAt, runningSince, index, devId,
                seq, done, dispatched, endedTime, dueAt, counts);
    }

    Job withDispatched(long total) {
        return new Job(jobId, clientId, request, state, stateReason, createdTime, startAt, runningSince, cursorIndex,
                cursorDevId, nextSeq, expanded, total, endedTime, dueAt, counts);
    }

    Job withCounts(Map<String, Long> now) {
        return new Job(jobId, clientId, request, state, stateReason, createdTime, startAt, runningSince, cursorIndex,
                cursorDevId, nextSeq, expanded, dispatched, endedTime, dueAt, now);
    }

    Job ended(Instant now) {
        JobState last = state == JobState.RUNNING || state == JobState.SCHEDULED ? JobState.COMPLETED : state;
        return new Job(jobId, clientId, request, last, stateReason, createdTime, startAt, runningSince, cursorIndex,
                cursorDevId, nextSeq, expanded, dispatched, now, now, counts);
    }

    Job due(Instant at) {
        return new Job(jobId, clientId, request, state, stateReason, createdTime, startAt, runningSince, cursorIndex,
                cursorDevId, nextSeq, expanded, dispatched, endedTime, at, counts);
    }
}
