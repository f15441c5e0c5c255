package org.omatwin.secondary;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.omatwin.proto.dmwsi.delegation.v1.Batch;
import org.omatwin.proto.dmwsi.delegation.v1.CancelBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.ConductOperationRequest;
import org.omatwin.proto.dmwsi.delegation.v1.DmDelegationServiceGrpc;
import org.omatwin.proto.dmwsi.delegation.v1.DmDelegationServiceGrpc.DmDelegationServiceBlockingStub;
import org.omatwin.proto.dmwsi.delegation.v1.GetBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.GetBatchResponse;
import org.omatwin.proto.dmwsi.delegation.v1.GetOperationsReportRequest;
import org.omatwin.proto.dmwsi.delegation.v1.GetOperationsReportResponse;
import org.omatwin.proto.dmwsi.delegation.v1.SubmitBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.WatchBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.WatchBatchResponse;
import org.omatwin.proto.dmwsi.v1.JobExecution;
import org.omatwin.proto.dmwsi.v1.NodeValue;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.proto.dmwsi.v1.Transaction;

/**
 * {@code bin/dm-secondary}: a secondary DM server (dm-api.md section 11) calling the primary's
 * {@code oma.dmwsi.delegation.v1.DmDelegationService} over mutual TLS 1.3 with its client certificate.
 */
public final class Main {
    static final String USAGE = """
            usage: dm-secondary COMMAND --server HOST:PORT --cert PEM --key PEM --ca PEM [options]

              submit   --batch-id ID --type TYPE [--uri URI]... (--device REF... | --filter FILTER)
                       [--max-per-minute N] [--timeout-seconds N] [--no-watch]
                       submit a batch, then print each device's result as it arrives (WatchBatch)
              watch    --batch-id ID          print a batch's results as they arrive
              get      --batch-id ID [--state STATE] [--limit N] [--page-token T]
                                              the batch's status and a page of its results (GetBatch)
              cancel   --batch-id ID          cancel a batch
              conduct  --device REF --type TYPE [--uri URI]... [--client-correlator C]
                                              one operation, each state printed until final
              report   [--device REF] [--batch-id ID] [--from RFC3339] [--to RFC3339] [--limit N]
                                              what was done at this secondary's request (MDM4)

            --server       the primary's partner listener (TWIN_PEER_PORT), default localhost:9443
            --cert, --key  this secondary's client certificate chain and PKCS#8 key (PEM)
            --ca           the CA of the primary's certificate (PEM)
            --server-name  the name the primary's certificate carries, when not the host of --server
            TYPE is a DMWSI operation type (retrieve, inventory, delete, execute, ...); --uri repeats.
            """;
    private static final Set<String> OPTIONS = Set.of("--server", "--cert", "--key", "--ca", "--server-name",
            "--batch-id", "--type", "--uri", "--device", "--filter", "--max-per-minute", "--timeout-seconds",
            "--state", "--limit", "--page-token", "--client-correlator", "--from", "--to", "--data");

    /** Kept: java.util.logging holds loggers weakly. grpc's start-up INFO lines are not this tool's output. */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    private Main() {}

    public static void main(String[] args) {
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args, OPTIONS);
        } catch (IllegalArgumentException e) {
            err.println("dm-secondary: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (o.has("--help") || o.command().equals("help")) {
            out.print(USAGE);
            return 0;
        }
        ManagedChannel channel = null;
        try {
            channel = channel(o);
            DmDelegationServiceBlockingStub stub = DmDelegationServiceGrpc.newBlockingStub(channel);
            switch (o.command()) {
                case "submit" -> submit(stub, o, out);
                case "watch" -> watch(stub, o.required("--batch-id"), out);
                case "get" -> get(stub, o, out);
                case "cancel" -> out.println(batch(stub.withDeadlineAfter(30, TimeUnit.SECONDS).cancelBatch(
                        CancelBatchRequest.newBuilder().setBatchId(o.required("--batch-id")).build()).getBatch()));
                case "conduct" -> conduct(stub, o, out);
                case "report" -> report(stub, o, out);
                default -> throw new IllegalArgumentException("unknown command " + o.command());
            }
            return 0;
        } catch (StatusRuntimeException e) {
            String detail = e.getTrailers() == null ? null : e.getTrailers().get(io.grpc.Metadata.Key.of(
                    "x-oma-request-error", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
            err.println("dm-secondary: refused: " + e.getStatus().getCode() + " " + e.getStatus().getDescription()
                    + (detail == null ? "" : "\n  requestError " + detail));
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("dm-secondary: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (java.io.IOException e) {
            err.println("dm-secondary: " + e.getMessage());
            return 2;
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }

    private static ManagedChannel channel(Options o) throws java.io.IOException {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(o.get("--server", "localhost:9443"))
                .sslContext(GrpcSslContexts.forClient()
                        .keyManager(new File(o.required("--cert")), new File(o.required("--key")))
                        .trustManager(new File(o.required("--ca")))
                        .protocols("TLSv1.3")
                        .build());
        if (o.has("--server-name")) {
            builder.overrideAuthority(o.get("--server-name", null));
        }
        return builder.build();
    }

    private static Operation operation(Options o) {
        Operation.Builder op = Operation.newBuilder().setType(o.required("--type")).addAllUris(o.all("--uri"));
        if (o.has("--data")) {
            op.setData(o.get("--data", null));
        }
        return op.build();
    }

    private static void submit(DmDelegationServiceBlockingStub stub, Options o, PrintStream out) {
        String batchId = o.required("--batch-id");
        SubmitBatchRequest.Builder req = SubmitBatchRequest.newBuilder().setBatchId(batchId).setOperation(operation(o))
                .addAllDevices(o.all("--device"));
        if (o.has("--filter")) {
            req.setFilter(o.get("--filter", null));
        }
        if (o.has("--max-per-minute")) {
            req.setMaxPerMinute(Integer.parseInt(o.get("--max-per-minute", null)));
        }
        if (o.has("--timeout-seconds")) {
            req.setTimeoutSeconds(Integer.parseInt(o.get("--timeout-seconds", null)));
        }
        Batch batch = stub.withDeadlineAfter(60, TimeUnit.SECONDS).submitBatch(req.build()).getBatch();
        out.println("submitted " + batch(batch));
        if (!o.has("--no-watch")) {
            watch(stub, batchId, out);
        }
    }

    private static void watch(DmDelegationServiceBlockingStub stub, String batchId, PrintStream out) {
        Iterator<WatchBatchResponse> events = stub.watchBatch(WatchBatchRequest.newBuilder().setBatchId(batchId)
                .build());
        while (events.hasNext()) {
            WatchBatchResponse e = events.next();
            out.println(e.hasResult() ? result(e.getResult()) : batch(e.getBatch()));
            out.flush();
        }
    }

    private static void get(DmDelegationServiceBlockingStub stub, Options o, PrintStream out) {
        GetBatchRequest.Builder req = GetBatchRequest.newBuilder().setBatchId(o.required("--batch-id"));
        if (o.has("--state")) {
            req.setState(o.get("--state", null));
        }
        if (o.has("--limit")) {
            req.setLimit(Integer.parseInt(o.get("--limit", null)));
        }
        if (o.has("--page-token")) {
            req.setPageToken(o.get("--page-token", null));
        }
        GetBatchResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).getBatch(req.build());
        out.println(batch(r.getBatch()));
        r.getResultsList().forEach(x -> out.println(result(x)));
        if (r.hasNextPageToken()) {
            out.println("more: --page-token " + r.getNextPageToken());
        }
    }

    private static void conduct(DmDelegationServiceBlockingStub stub, Options o, PrintStream out) {
        Operation.Builder op = operation(o).toBuilder().setDeviceRef(o.required("--device"));
        if (o.has("--client-correlator")) {
            op.setClientCorrelator(o.get("--client-correlator", null));
        }
        Iterator<org.omatwin.proto.dmwsi.delegation.v1.ConductOperationResponse> states = stub.conductOperation(
                ConductOperationRequest.newBuilder().setOperation(op).build());
        while (states.hasNext()) {
            Operation now = states.next().getOperation();
            StringBuilder line = new StringBuilder("operation " + now.getOperationId() + " " + now.getType() + " on "
                    + now.getDeviceRef() + ": " + now.getState());
            if (now.hasResultCode()) {
                line.append(" (").append(now.getResultCode()).append(now.hasResultText() ? " " + now.getResultText()
                        : "").append(")");
            }
            now.getResultsList().forEach(v -> line.append("\n  ").append(value(v)));
            out.println(line);
            out.flush();
        }
    }

    private static void report(DmDelegationServiceBlockingStub stub, Options o, PrintStream out) {
        GetOperationsReportRequest.Builder req = GetOperationsReportRequest.newBuilder();
        if (o.has("--device")) {
            req.setDeviceRef(o.get("--device", null));
        }
        if (o.has("--batch-id")) {
            req.setBatchId(o.get("--batch-id", null));
        }
        if (o.has("--from")) {
            req.setFrom(o.get("--from", null));
        }
        if (o.has("--to")) {
            req.setTo(o.get("--to", null));
        }
        if (o.has("--limit")) {
            req.setLimit(Integer.parseInt(o.get("--limit", null)));
        }
        if (o.has("--page-token")) {
            req.setPageToken(o.get("--page-token", null));
        }
        GetOperationsReportResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).getOperationsReport(req.build());
        for (Transaction t : r.getTransactionsList()) {
            out.println(java.time.Instant.ofEpochSecond(t.getTime().getSeconds()) + " " + t.getKind() + " "
                    + (t.hasDeviceRef() ? t.getDeviceRef() + " " : "") + (t.hasSuccess() ? (t.getSuccess() ? "ok " : "failed ")
                            : "") + t.getSummary());
        }
        if (r.hasNextPageToken()) {
            out.println("more: --page-token " + r.getNextPageToken());
        }
    }

    static String batch(Batch b) {
        var job = b.getJob();
        return "batch " + b.getBatchId() + " (job " + job.getJobId() + "): " + job.getState()
                + (job.hasEndedTime() ? ", ended" : "") + " " + new TreeMap<>(job.getCountsMap()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ", "[", "]"));
    }

    static String result(JobExecution r) {
        StringBuilder line = new StringBuilder("result " + (r.hasDeviceRef() ? r.getDeviceRef() : r.getTarget()) + ": "
                + r.getState());
        if (r.hasReason()) {
            line.append(" (").append(r.getReason()).append(")");
        }
        r.getResultsList().forEach(v -> line.append(" ").append(value(v)));
        return line.toString();
    }

    private static String value(NodeValue v) {
        return v.getUri() + "=" + v.getValue();
    }
}
