package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.omatwin.core.dm.job.Execution;
import org.omatwin.core.dm.job.ExecutionState;
import org.omatwin.core.dm.job.JobUseCases;
import org.omatwin.core.infra.edge.ApiErrors;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.delegation.v1.Batch;
import org.omatwin.proto.dmwsi.delegation.v1.CancelBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.CancelBatchResponse;
import org.omatwin.proto.dmwsi.delegation.v1.ConductOperationRequest;
import org.omatwin.proto.dmwsi.delegation.v1.ConductOperationResponse;
import org.omatwin.proto.dmwsi.delegation.v1.DmDelegationServiceGrpc;
import org.omatwin.proto.dmwsi.delegation.v1.GetBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.GetBatchResponse;
import org.omatwin.proto.dmwsi.delegation.v1.GetOperationsReportRequest;
import org.omatwin.proto.dmwsi.delegation.v1.GetOperationsReportResponse;
import org.omatwin.proto.dmwsi.delegation.v1.SubmitBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.SubmitBatchResponse;
import org.omatwin.proto.dmwsi.delegation.v1.WatchBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.WatchBatchResponse;
import org.omatwin.proto.dmwsi.v1.CancelJobRequest;
import org.omatwin.proto.dmwsi.v1.CreateJobRequest;
import org.omatwin.proto.dmwsi.v1.CreateOperationRequest;
import org.omatwin.proto.dmwsi.v1.GetOperationRequest;
import org.omatwin.proto.dmwsi.v1.Job;
import org.omatwin.proto.dmwsi.v1.JobRollout;
import org.omatwin.proto.dmwsi.v1.JobTargets;
import org.omatwin.proto.dmwsi.v1.ListJobExecutionsRequest;
import org.omatwin.proto.dmwsi.v1.ListTransactionsRequest;
import org.omatwin.proto.dmwsi.v1.Operation;

/**
 * {@code oma.dmwsi.delegation.v1.DmDelegationService} (dm-api.md section 11): a secondary DM server's
 * calls, served as the DMWSI calls they are. The secondary is the DMWSI client {@code secondary:<name>}
 * (set by the partner listener's certificate check), so its policy, pseudonyms, transaction log and
 * isolation are DMWSI's: an operation is {@code CreateOperation}, a batch is a job whose
 * clientCorrelator is the secondary's batchId, the report is its transaction log. This class only
 * translates, and follows a call's operation or batch for the streams.
 */
public final class DelegationGrpcService extends DmDelegationServiceGrpc.DmDelegationServiceImplBase {
    /** How often a followed operation or batch is read again. */
    static final long FOLLOW_MILLIS = 300;
    private static final int RESULTS_PAGE = 500;
    private static final Pattern BATCH_ID = Pattern.compile("[\\x21-\\x7e]{1,64}");

    private final DeviceManagementGrpcService operations;
    private final JobGrpcService jobService;
    private final TransactionGrpcService log;
    private final JobUseCases jobs;
    private final JobViews views;
    private final Follows follows;

    /** The DMWSI services it answers through, and where the streams' reads run. */
    public DelegationGrpcService(DeviceManagementGrpcService operations, JobGrpcService jobService,
            TransactionGrpcService log, JobUseCases jobs, Supplier<String> publicUrl,
            ScheduledExecutorService follows) {
        this.operations = operations;
        this.jobService = jobService;
        this.log = log;
        this.jobs = jobs;
        this.views = new JobViews(publicUrl);
        this.follows = new Follows(follows, FOLLOW_MILLIS);
    }

    /** MDM5: the operation when accepted, then at each change of state until final. */
    @Override
    public void conductOperation(ConductOperationRequest req, StreamObserver<ConductOperationResponse> out) {
        if (!req.hasOperation()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the operation element is missing", "operation");
        }
        if (req.getOperation().hasCallbackReference()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "operation.callbackReference: the results stream back on "
                    + "this call", "operation.callbackReference");
        }
        Operation first = call(operations::createOperation, CreateOperationRequest.newBuilder()
                .setOperation(req.getOperation()).build()).getOperation();
        out.onNext(ConductOperationResponse.newBuilder().setOperation(first).build());
        if (isFinal(first.getState())) {
            out.onCompleted();
            return;
        }
        GetOperationRequest read = GetOperationRequest.newBuilder().setOperationId(first.getOperationId()).build();
        AtomicReference<Operation> last = new AtomicReference<>(first);
        follows.follow(out, () -> {
            Operation now = call(operations::getOperation, read).getOperation();
            if (!now.equals(last.get())) {
                last.set(now);
                out.onNext(ConductOperationResponse.newBuilder().setOperation(now).build());
            }
            return isFinal(now.getState());
        });
    }

    /** 5.2: the batch as a job of the secondary, its batchId the job's clientCorrelator (idempotency). */
    @Override
    public void submitBatch(SubmitBatchRequest req, StreamObserver<SubmitBatchResponse> out) {
        Unary.respond(out, () -> {
            String batchId = batchId(req.getBatchId());
            if (!req.hasOperation()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the operation element is missing", "operation");
            }
            if (req.getDevicesCount() == 0 && !req.hasFilter()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "devices (or filter) names the batch's devices",
                        "devices");
            }
            JobTargets.Builder targets = JobTargets.newBuilder().addAllDevices(req.getDevicesList());
            if (req.hasFilter()) {
                targets.setFilter(req.getFilter());
            }
            Job.Builder job = Job.newBuilder().setClientCorrelator(batchId).setOperation(req.getOperation())
                    .setTargets(targets);
            if (req.hasMaxPerMinute()) {
                job.setRollout(JobRollout.newBuilder().setMaxPerMinute(req.getMaxPerMinute()));
            }
            if (req.hasTimeoutSeconds()) {
                job.setTimeoutSeconds(req.getTimeoutSeconds());
            }
            Job created;
            try {
                created = call(jobService::createJob, CreateJobRequest.newBuilder().setJob(job).build()).getJob();
            } catch (ApiException e) {
                if (e.error() == ApiError.CONFLICT) { // the job's clientCorrelator is the secondary's batchId
                    throw ApiException.of(ApiError.CONFLICT, "batchId already used with another batch", "batchId");
                }
                throw e;
            }
            return SubmitBatchResponse.newBuilder().setBatch(batch(batchId, created)).build();
        });
    }

    @Override
    public void getBatch(GetBatchRequest req, StreamObserver<GetBatchResponse> out) {
        Unary.respond(out, () -> {
            String batchId = batchId(req.getBatchId());
            var job = jobs.byClientCorrelator(DmwsiCallers.clientId(), batchId);
            ListJobExecutionsRequest.Builder page = ListJobExecutionsRequest.newBuilder().setJobId(job.jobId());
            if (req.hasState()) {
                page.setState(req.getState());
            }
            if (req.hasLimit()) {
                page.setLimit(req.getLimit());
            }
            if (req.hasPageToken()) {
                page.setPageToken(req.getPageToken());
            }
            var results = call(jobService::listJobExecutions, page.build()).getJobExecutionList();
            GetBatchResponse.Builder answer = GetBatchResponse.newBuilder().setBatch(batch(batchId, views.job(job)))
                    .addAllResults(results.getJobExecutionList());
            if (results.hasNextPageToken()) {
                answer.setNextPageToken(results.getNextPageToken());
            }
            return answer.build();
        });
    }

    /**
     * 5.2.6: the batch, then each device's final result once, as it arrives, and the batch again when it
     * changes; ends after the batch has ended and every result was sent. Results are looked for only when
     * the batch's counts of ended executions changed, from the first execution not yet ended onwards.
     */
    @Override
    public void watchBatch(WatchBatchRequest req, StreamObserver<WatchBatchResponse> out) {
        String batchId = batchId(req.getBatchId());
        String clientId = DmwsiCallers.clientId();
        ClientAccess access = ClientAccess.current();
        String jobId = jobs.byClientCorrelator(clientId, batchId).jobId();
        AtomicReference<Batch> last = new AtomicReference<>();
        long[] seen = {-1, 0}; // ended executions at the last look, results sent
        int[] cursor = {0}; // every execution up to this seq has been sent
        TreeSet<Integer> sentAbove = new TreeSet<>();
        BooleanSupplier step = () -> {
            var job = jobs.get(clientId, jobId);
            long ended = job.counts().entrySet().stream()
                    .filter(c -> ExecutionState.valueOf(c.getKey()).isFinal()).mapToLong(c -> c.getValue()).sum();
            if (ended != seen[0]) {
                seen[0] = ended;
                boolean contiguous = true;
                int after = cursor[0];
                List<Execution> page;
                do {
                    page = jobs.executions(clientId, jobId, null, after, RESULTS_PAGE);
                    for (Execution e : page) {
                        after = e.seq();
                        if (!e.state().isFinal()) {
                            contiguous = false;
                            continue;
                        }
                        if (sentAbove.add(e.seq())) {
                            seen[1]++;
                            out.onNext(WatchBatchResponse.newBuilder().setResult(views.execution(e, access)).build());
                        }
                        if (contiguous) {
                            cursor[0] = e.seq();
                        }
                    }
                } while (page.size() == RESULTS_PAGE);
                sentAbove.headSet(cursor[0], true).clear();
            }
            Batch now = batch(batchId, views.job(job));
            if (!now.equals(last.get())) {
                last.set(now);
                out.onNext(WatchBatchResponse.newBuilder().setBatch(now).build());
            }
            return job.isEnded() && seen[1] >= ended;
        };
        if (!step.getAsBoolean()) {
            follows.follow(out, step);
        } else {
            out.onCompleted();
        }
    }

    @Override
    public void cancelBatch(CancelBatchRequest req, StreamObserver<CancelBatchResponse> out) {
        Unary.respond(out, () -> {
            String batchId = batchId(req.getBatchId());
            String jobId = jobs.byClientCorrelator(DmwsiCallers.clientId(), batchId).jobId();
            Job job = call(jobService::cancelJob, CancelJobRequest.newBuilder().setJobId(jobId).build()).getJob();
            return CancelBatchResponse.newBuilder().setBatch(batch(batchId, job)).build();
        });
    }

    /** MDM4: the secondary's own transaction log, of one device, one batch and/or a time range. */
    @Override
    public void getOperationsReport(GetOperationsReportRequest req, StreamObserver<GetOperationsReportResponse> out) {
        Unary.respond(out, () -> {
            ListTransactionsRequest.Builder query = ListTransactionsRequest.newBuilder();
            if (req.hasBatchId()) {
                query.setJobId(jobs.byClientCorrelator(DmwsiCallers.clientId(), batchId(req.getBatchId())).jobId());
            }
            if (req.hasDeviceRef()) {
                query.setDeviceRef(req.getDeviceRef());
            }
            if (req.hasFrom()) {
                query.setFrom(req.getFrom());
            }
            if (req.hasTo()) {
                query.setTo(req.getTo());
            }
            if (req.hasLimit()) {
                query.setLimit(req.getLimit());
            }
            if (req.hasPageToken()) {
                query.setPageToken(req.getPageToken());
            }
            var list = call(log::listTransactions, query.build()).getTransactionList();
            GetOperationsReportResponse.Builder answer = GetOperationsReportResponse.newBuilder()
                    .addAllTransactions(list.getTransactionList());
            if (list.hasNextPageToken()) {
                answer.setNextPageToken(list.getNextPageToken());
            }
            return answer.build();
        });
    }

    /** A batch: the job without its REST resourceURL (a secondary server reaches only this service). */
    private static Batch batch(String batchId, Job job) {
        return Batch.newBuilder().setBatchId(batchId).setJob(job.toBuilder().clearResourceUrl()).build();
    }

    private static String batchId(String id) {
        if (id.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "batchId is missing", "batchId");
        }
        if (!BATCH_ID.matcher(id).matches()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "batchId is 1 to 64 printable ASCII characters", "batchId");
        }
        return id;
    }

    private static boolean isFinal(String state) {
        return ExecutionState.fromWire(state).map(ExecutionState::isFinal).orElse(false);
    }

    /** The answer of a unary DMWSI method called in this call's context (they answer synchronously). */
    private static <Q, R> R call(BiConsumer<Q, StreamObserver<R>> method, Q request) {
        AtomicReference<R> answer = new AtomicReference<>();
        method.accept(request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                answer.set(value);
            }

            @Override
            public void onError(Throwable t) {
                throw ApiErrors.toStatus(t);
            }

            @Override
            public void onCompleted() {}
        });
        if (answer.get() == null) {
            throw new IllegalStateException("a DMWSI method answered nothing");
        }
        return answer.get();
    }
}
