package org.omatwin.core.dm.api;

import java.util.function.Supplier;
import org.omatwin.core.dm.job.Execution;
import org.omatwin.core.dm.job.Job;
import org.omatwin.core.dm.job.JobRequest;
import org.omatwin.core.dm.job.Targets;
import org.omatwin.proto.dmwsi.v1.JobAbort;
import org.omatwin.proto.dmwsi.v1.JobExecution;
import org.omatwin.proto.dmwsi.v1.JobResults;
import org.omatwin.proto.dmwsi.v1.JobRollout;
import org.omatwin.proto.dmwsi.v1.JobSchedule;
import org.omatwin.proto.dmwsi.v1.JobTargets;
import org.omatwin.proto.dmwsi.v1.NodeValue;
import org.omatwin.proto.dmwsi.v1.Operation;

/** Jobs and their executions as answers and notifications show them (root "job", "jobExecution"). */
final class JobViews {
    private final DmwsiViews views;

    JobViews(Supplier<String> publicUrl) {
        this.views = new DmwsiViews(publicUrl);
    }

    String base() {
        return views.base();
    }

    /** A job with its counts; a list target is not echoed back (it may hold 100,000 entries). */
    org.omatwin.proto.dmwsi.v1.Job job(Job j) {
        JobRequest r = j.request();
        Operation.Builder op = Operation.newBuilder().setType(r.operation().type().wire())
                .setUiMode(r.operation().mode().uiMode().wire())
                .setCustomerCare(r.operation().mode().customerCare());
        DmwsiViews.arguments(op, r.operation().arguments());
        var b = org.omatwin.proto.dmwsi.v1.Job.newBuilder()
                .setJobId(j.jobId())
                .setOperation(op)
                .setState(j.state().wire())
                .setCreatedTime(DmwsiViews.timestamp(j.createdTime()))
                .setResourceUrl(base() + "/jobs/" + j.jobId());
        DmwsiViews.set(r.clientCorrelator(), b::setClientCorrelator);
        if (r.targets() instanceof Targets.Filter f) {
            b.setTargets(JobTargets.newBuilder().setFilter(f.text()));
        }
        if (r.startTime() != null || r.endTime() != null) {
            JobSchedule.Builder s = JobSchedule.newBuilder();
            if (r.startTime() != null) {
                s.setStartTime(DmwsiViews.timestamp(r.startTime()));
            }
            if (r.endTime() != null) {
                s.setEndTime(DmwsiViews.timestamp(r.endTime()));
            }
            b.setSchedule(s);
        }
        if (r.maxPerMinute() != null) {
            b.setRollout(JobRollout.newBuilder().setMaxPerMinute(r.maxPerMinute()));
        }
        if (r.failureThresholdPercent() != null) {
            b.setAbort(JobAbort.newBuilder().setFailureThresholdPercent(r.failureThresholdPercent())
                    .setMinExecuted(r.minimumEnded()));
        }
        if (r.timeoutSeconds() != null) {
            b.setTimeoutSeconds(r.timeoutSeconds());
        }
        JobResults.Builder results = JobResults.newBuilder().setMode(r.mode().wire());
        if (r.notifyUrl() != null) {
            results.setCallbackReference(DmwsiViews.callbackReference(r.notifyUrl(), r.callbackData()));
        }
        b.setResults(results);
        // at most 100,000 targets in a list, and a fleet's filter far below 2^31: JSON numbers, not strings
        j.counts().forEach((state, n) -> b.putCounts(
                org.omatwin.core.dm.job.ExecutionState.valueOf(state).wire(), Math.toIntExact(n)));
        DmwsiViews.set(j.stateReason(), b::setStateReason);
        if (j.endedTime() != null) {
            b.setEndedTime(DmwsiViews.timestamp(j.endedTime()));
        }
        return b.build();
    }

    /** An execution as the job's client sees it: a device a filter found is shown as it may see devices. */
    JobExecution execution(Execution e, ClientAccess who) {
        JobExecution.Builder b = JobExecution.newBuilder()
                .setTarget(e.devId() != null && e.target().equals(e.devId().value()) ? who.show(e.devId()) : e.target())
                .setState(e.state().wire());
        if (e.devId() != null) {
            b.setDeviceRef(who.show(e.devId()));
        }
        DmwsiViews.set(e.reason(), b::setReason);
        var o = e.operation();
        if (o != null) {
            b.setOperationId(o.operationId());
            if (o.statusCode() != null) {
                b.setStatusCode(o.statusCode());
            }
            if (o.resultCode() != null) {
                b.setResultCode(o.resultCode());
            }
            DmwsiViews.set(o.resultText(), b::setResultText);
            o.results().forEach(v -> b.addResults(NodeValue.newBuilder().setUri(v.uri())
                    .setFormat(v.format() == null ? "" : v.format()).setValue(v.value() == null ? "" : v.value())));
        }
        if (e.endedTime() != null) {
            b.setEndedTime(DmwsiViews.timestamp(e.endedTime()));
        }
        return b.build();
    }
}
