package org.omatwin.core.dm.job;

import java.time.Instant;
import org.omatwin.core.dm.audit.Transaction;

/** The transaction-log entries of a job itself (6.1); its executions' operations log their own. */
final class JobTransactions {
    private JobTransactions() {}

    static Transaction created(Job job) {
        return entry(job, "job " + job.request().operation().type().wire() + " on " + describe(job.request().targets())
                + ": accepted", true, job.createdTime());
    }

    static Transaction started(Job job, Instant now) {
        return entry(job, "job started", true, now);
    }

    static Transaction stopped(Job job, Instant now) {
        return entry(job, "job " + job.state().wire() + (job.stateReason() == null ? "" : " (" + job.stateReason()
                + ")"), false, now);
    }

    static Transaction ended(Job job, Instant now) {
        return entry(job, "job ended " + job.state().wire() + ": " + job.count(ExecutionState.SUCCEEDED)
                + " succeeded, " + job.count(ExecutionState.FAILED) + " failed, " + job.count(ExecutionState.TIMED_OUT)
                + " timed out, " + job.count(ExecutionState.CANCELLED) + " cancelled, "
                + job.count(ExecutionState.REJECTED) + " rejected", job.state() == JobState.COMPLETED, now);
    }

    private static Transaction entry(Job job, String summary, boolean success, Instant time) {
        return Transaction.of(Transaction.Kind.JOB, job.clientId(), null, null, job.jobId(), summary, success, time);
    }

    private static String describe(Targets targets) {
        return switch (targets) {
            case Targets.Devices d -> d.refs().size() + " devices";
            case Targets.Users u -> u.lines().size() + " lines";
            case Targets.Filter f -> "the devices matching a filter";
        };
    }
}
