package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.omatwin.core.dm.job.Execution;
import org.omatwin.core.dm.job.ExecutionState;
import org.omatwin.core.dm.job.JobOperation;
import org.omatwin.core.dm.job.JobRequest;
import org.omatwin.core.dm.job.JobUseCases;
import org.omatwin.core.dm.job.ResultsMode;
import org.omatwin.core.dm.job.Targets;
import org.omatwin.core.dm.network.NetworkParameters;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.v1.CancelJobRequest;
import org.omatwin.proto.dmwsi.v1.CancelJobResponse;
import org.omatwin.proto.dmwsi.v1.CreateJobRequest;
import org.omatwin.proto.dmwsi.v1.CreateJobResponse;
import org.omatwin.proto.dmwsi.v1.GetJobRequest;
import org.omatwin.proto.dmwsi.v1.GetJobResponse;
import org.omatwin.proto.dmwsi.v1.Job;
import org.omatwin.proto.dmwsi.v1.JobExecutionList;
import org.omatwin.proto.dmwsi.v1.JobList;
import org.omatwin.proto.dmwsi.v1.JobServiceGrpc;
import org.omatwin.proto.dmwsi.v1.ListJobExecutionsRequest;
import org.omatwin.proto.dmwsi.v1.ListJobExecutionsResponse;
import org.omatwin.proto.dmwsi.v1.ListJobsRequest;
import org.omatwin.proto.dmwsi.v1.ListJobsResponse;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.proto.dmwsi.v1.WatchJobRequest;
import org.omatwin.proto.dmwsi.v1.WatchJobResponse;

/**
 * {@code oma.dmwsi.v1.JobService} (dm-api.md section 5): translates between protobuf and the job
 * domain; the job's client is the authenticated OAuth client, and a job is visible only to it.
 */
public final class JobGrpcService extends JobServiceGrpc.JobServiceImplBase {
    /** How often a watched job is read again for changes. */
    static final long WATCH_MILLIS = 500;

    private final JobUseCases jobs;
    private final JobViews views;
    private final OperationForms forms;
    private final Follows watches;

    public JobGrpcService(JobUseCases jobs, Supplier<String> publicUrl, NetworkParameters networkParameters,
            ScheduledExecutorService watches) {
        this.jobs = jobs;
        this.views = new JobViews(publicUrl);
        this.forms = new OperationForms(networkParameters);
        this.watches = new Follows(watches, WATCH_MILLIS);
    }

    @Override
    public void createJob(CreateJobRequest req, StreamObserver<CreateJobResponse> out) {
        Unary.respond(out, () -> {
            if (!req.hasJob()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the job element is missing", "job");
            }
            ClientAccess access = ClientAccess.current();
            JobUseCases.Created created = jobs.create(access.clientId(), access.policy(), toRequest(req.getJob()));
            Job job = views.job(created.job());
            if (created.created()) {
                ResponseMeta.created(job.getResourceUrl());
            } else {
                ResponseMeta.existing(job.getResourceUrl());
            }
            return CreateJobResponse.newBuilder().setJob(job).build();
        });
    }

    @Override
    public void getJob(GetJobRequest req, StreamObserver<GetJobResponse> out) {
        Unary.respond(out, () -> GetJobResponse.newBuilder()
                .setJob(views.job(jobs.get(DmwsiCallers.clientId(), req.getJobId()))).build());
    }

    @Override
    public void listJobs(ListJobsRequest req, StreamObserver<ListJobsResponse> out) {
        Unary.respond(out, () -> {
            int limit = DeviceManagementGrpcService.limit(req.hasLimit() ? req.getLimit() : null);
            int offset = DeviceManagementGrpcService.offset(req.hasPageToken() ? req.getPageToken() : null);
            List<org.omatwin.core.dm.job.Job> page = jobs.list(DmwsiCallers.clientId(), offset, limit + 1);
            JobList.Builder list = JobList.newBuilder().setResourceUrl(views.base() + "/jobs");
            page.stream().limit(limit).forEach(j -> list.addJob(views.job(j)));
            if (page.size() > limit) {
                list.setNextPageToken(DeviceManagementGrpcService.pageToken(offset + limit));
            }
            return ListJobsResponse.newBuilder().setJobList(list).build();
        });
    }

    /** Executions in target order, paged by the last seq shown (stable while executions change state). */
    @Override
    public void listJobExecutions(ListJobExecutionsRequest req, StreamObserver<ListJobExecutionsResponse> out) {
        Unary.respond(out, () -> {
            ExecutionState state = req.hasState() ? ExecutionState.fromWire(req.getState()).orElseThrow(
                    () -> ApiException.of(ApiError.INVALID_INPUT, "state is one of Queued, Delivered, Succeeded, "
                            + "Failed, Cancelled, TimedOut, Rejected", "state")) : null;
            int limit = DeviceManagementGrpcService.limit(req.hasLimit() ? req.getLimit() : null);
            long after = req.hasPageToken() ? PageTokens.read("x1", req.getPageToken()) : 0;
            if (after > Integer.MAX_VALUE) {
                throw ApiException.of(ApiError.INVALID_INPUT, "pageToken is not one this server made", "pageToken");
            }
            ClientAccess access = ClientAccess.current();
            List<Execution> page = jobs.executions(access.clientId(), req.getJobId(), state, (int) after, limit + 1);
            JobExecutionList.Builder list = JobExecutionList.newBuilder().setResourceUrl(views.base() + "/jobs/"
                    + req.getJobId() + "/executions" + (state == null ? "" : "?state=" + state.wire()));
            page.stream().limit(limit).forEach(e -> list.addJobExecution(views.execution(e, access)));
            if (page.size() > limit) {
                list.setNextPageToken(PageTokens.of("x1", page.get(limit - 1).seq()));
            }
            return ListJobExecutionsResponse.newBuilder().setJobExecutionList(list).build();
        });
    }

    @Override
    public void cancelJob(CancelJobRequest req, StreamObserver<CancelJobResponse> out) {
        Unary.respond(out, () -> CancelJobResponse.newBuilder()
                .setJob(views.job(jobs.cancel(DmwsiCallers.clientId(), req.getJobId()))).build());
    }

    /**
     * The job now, then each time it changes (read every {@value #WATCH_MILLIS} ms, without holding a
     * thread between reads), until every execution has ended.
     */
    @Override
    public void watchJob(WatchJobRequest req, StreamObserver<WatchJobResponse> out) {
        String clientId = DmwsiCallers.clientId();
        watches.watch(out, watched(clientId, req.getJobId()), () -> watched(clientId, req.getJobId()),
                w -> w.getJob().hasEndedTime());
    }

    private WatchJobResponse watched(String clientId, String jobId) {
        return WatchJobResponse.newBuilder().setJob(views.job(jobs.get(clientId, jobId))).build();
    }

    private JobRequest toRequest(Job j) {
        for (var server : new Object[][] {{"jobId", j.hasJobId()}, {"state", j.hasState()},
                {"counts", j.getCountsCount() > 0}, {"createdTime", j.hasCreatedTime()},
                {"endedTime", j.hasEndedTime()}, {"stateReason", j.hasStateReason()},
                {"resourceURL", j.hasResourceUrl()}}) {
            if ((Boolean) server[1]) {
                throw ApiException.of(ApiError.INVALID_INPUT, "job." + server[0] + " is set by the server",
                        "job." + server[0]);
            }
        }
        if (!j.hasOperation()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "job.operation is missing", "job.operation");
        }
        Operation op = j.getOperation();
        for (var own : new Object[][] {{"deviceRef", op.hasDeviceRef(), "job.targets"},
                {"callbackReference", op.hasCallbackReference(), "job.results"},
                {"clientCorrelator", op.hasClientCorrelator(), "job.clientCorrelator"},
                {"timeoutSeconds", op.hasTimeoutSeconds(), "job.timeoutSeconds"}}) {
            if ((Boolean) own[1]) {
                throw ApiException.of(ApiError.INVALID_INPUT, "job.operation." + own[0] + " is not part of a job's "
                        + "operation: use " + own[2], "job.operation." + own[0]);
            }
        }
        OperationRequest read = forms.request(op, JobOperation.PLANNED);
        JobOperation operation = new JobOperation(read.type(), read.arguments(), read.mode());
        String mode = j.hasResults() && j.getResults().hasMode() ? j.getResults().getMode() : null;
        var callback = j.hasResults() && j.getResults().hasCallbackReference()
                ? OperationForms.callbackReference(j.getResults().getCallbackReference(),
                        "job.results.callbackReference") : null;
        return new JobRequest(operation, targets(j), j.hasSchedule() && j.getSchedule().hasStartTime()
                ? instant(j.getSchedule().getStartTime()) : null,
                j.hasSchedule() && j.getSchedule().hasEndTime() ? instant(j.getSchedule().getEndTime()) : null,
                j.hasRollout() && j.getRollout().hasMaxPerMinute() ? j.getRollout().getMaxPerMinute() : null,
                j.hasAbort() && j.getAbort().hasFailureThresholdPercent() ? j.getAbort().getFailureThresholdPercent()
                        : null,
                j.hasAbort() && j.getAbort().hasMinExecuted() ? j.getAbort().getMinExecuted() : null,
                j.hasTimeoutSeconds() ? j.getTimeoutSeconds() : null,
                mode == null ? null : ResultsMode.fromWire(mode),
                callback == null ? null : callback.notifyUrl().toString(),
                callback == null ? null : callback.callbackData(),
                j.hasClientCorrelator() ? j.getClientCorrelator() : null);
    }

    private static Targets targets(Job j) {
        var t = j.getTargets();
        int given = (t.getDevicesCount() > 0 ? 1 : 0) + (t.getUsersCount() > 0 ? 1 : 0) + (t.hasFilter() ? 1 : 0);
        if (!j.hasTargets() || given == 0) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "job.targets names devices, users or a filter",
                    "job.targets");
        }
        if (given > 1) {
            throw ApiException.of(ApiError.INVALID_INPUT, "job.targets names exactly one of devices, users, filter",
                    "job.targets");
        }
        if (t.getDevicesCount() > 0) {
            return Targets.devices(t.getDevicesList());
        }
        if (t.getUsersCount() > 0) {
            return Targets.users(t.getUsersList());
        }
        return new Targets.Filter(t.getFilter());
    }

    private static Instant instant(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
