package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.dm.DmTestCores;
import org.omatwin.core.infra.edge.ApiErrors;
import org.omatwin.core.support.PeerCertificates;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.proto.dmwsi.delegation.v1.ConductOperationRequest;
import org.omatwin.proto.dmwsi.delegation.v1.ConductOperationResponse;
import org.omatwin.proto.dmwsi.delegation.v1.DmDelegationServiceGrpc;
import org.omatwin.proto.dmwsi.delegation.v1.DmDelegationServiceGrpc.DmDelegationServiceBlockingStub;
import org.omatwin.proto.dmwsi.delegation.v1.GetBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.GetBatchResponse;
import org.omatwin.proto.dmwsi.delegation.v1.GetOperationsReportRequest;
import org.omatwin.proto.dmwsi.delegation.v1.SubmitBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.WatchBatchRequest;
import org.omatwin.proto.dmwsi.delegation.v1.WatchBatchResponse;
import org.omatwin.proto.dmwsi.v1.JobExecution;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.proto.dmwsi.v1.Transaction;
import org.omatwin.testsupport.LocalIssuer;

/**
 * Secondary DM servers (dm-api.md section 11) over the partner listener: mutual TLS 1.3 with
 * certificates made by {@code bin/peer-certs}, the reference DM client as the devices, the policies of
 * {@code dm-policies/secondaries.json}. acme reaches UK lines and may read ./DevDetail; globex reaches
 * every device and sees pseudonyms only; nopolicy has a certificate but no policy (the "*" entry does
 * not apply to secondary servers).
 */
class DelegationEndToEndTest {
    private static final String SERVER = "localhost";
    private static final String ACME = "dm.acme.test";
    private static final String GLOBEX = "dm.globex.test";
    private static final String NOPOLICY = "dm.nopolicy.test";
    private static final AtomicInteger IMEI = new AtomicInteger(700_000);
    private static final AtomicInteger LINE = new AtomicInteger(100);
    private static final AtomicInteger FIRMWARE = new AtomicInteger(10);

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static PeerCertificates certs;
    private static ManagedChannel acme;
    private static ManagedChannel globex;
    private static final List<DeviceAgent> running = new ArrayList<>();
    private static final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        certs = PeerCertificates.create(SERVER, ACME, GLOBEX, NOPOLICY);
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("delegation"), Map.ofEntries(
                Map.entry("TWIN_DM_POLICIES", DmTestCores.policies("secondaries.json")),
                Map.entry("TWIN_PEER_PORT", "0"),
                Map.entry("TWIN_PEER_CERT", certs.certificate(SERVER).toString()),
                Map.entry("TWIN_PEER_KEY", certs.key(SERVER).toString()),
                Map.entry("TWIN_DM_SECONDARIES", "acme,globex,nopolicy"),
                Map.entry("TWIN_DM_SECONDARY_ACME_CA", certs.ca(ACME).toString()),
                Map.entry("TWIN_DM_SECONDARY_ACME_NAME", ACME),
                Map.entry("TWIN_DM_SECONDARY_GLOBEX_CA", certs.ca(GLOBEX).toString()),
                Map.entry("TWIN_DM_SECONDARY_GLOBEX_NAME", GLOBEX),
                Map.entry("TWIN_DM_SECONDARY_NOPOLICY_CA", certs.ca(NOPOLICY).toString()),
                Map.entry("TWIN_DM_SECONDARY_NOPOLICY_NAME", NOPOLICY))));
        acme = channel(certs, ACME);
        globex = channel(certs, GLOBEX);
    }

    @AfterAll
    static void stop() throws Exception {
        running.forEach(DeviceAgent::stop);
        channels.forEach(ManagedChannel::shutdownNow);
        core.close();
        issuer.close();
    }

    /** A channel to the partner listener presenting {@code name}'s certificate of {@code pki}. */
    private static ManagedChannel channel(PeerCertificates pki, String name) {
        ManagedChannel c;
        try {
            c = NettyChannelBuilder.forTarget("localhost:" + core.peerPort())
                    .sslContext(GrpcSslContexts.forClient()
                            .keyManager(pki.certificate(name).toFile(), pki.key(name).toFile())
                            .trustManager(certs.ca(SERVER).toFile())
                            .protocols("TLSv1.3")
                            .build())
                    .build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
        channels.add(c);
        return c;
    }

    private static DmDelegationServiceBlockingStub stub(ManagedChannel c) {
        return DmDelegationServiceGrpc.newBlockingStub(c).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** A device known to the server (one session done) and running its loop, on {@code line}. */
    private static String device(String firmware, String line) throws Exception {
        String devId = "urn:imei:35693805" + String.format("%07d", IMEI.incrementAndGet());
        DeviceAgent agent = DmTestCores.device(core, issuer, devId, firmware, line, Executors.newCachedThreadPool());
        assertThat(agent.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        agent.runLoop(30);
        running.add(agent);
        return devId;
    }

    private static String ukLine() {
        return "tel:+447700900" + LINE.incrementAndGet();
    }

    private static String frLine() {
        return "tel:+336123450" + LINE.incrementAndGet();
    }

    private static String firmware() {
        return "8." + FIRMWARE.incrementAndGet() + ".0";
    }

    private static Operation retrieve(String... uris) {
        return Operation.newBuilder().setType("retrieve").addAllUris(List.of(uris)).build();
    }

    /** Refused with {@code code}, the RequestError (trailer) naming each of {@code details} (its messageId, ...). */
    private static void assertRefused(Runnable call, Status.Code code, String... details) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            for (String detail : details) {
                assertThat(e.getTrailers().get(ApiErrors.REQUEST_ERROR)).contains(detail);
            }
        });
    }

    /** Every message of a WatchBatch, until the server ends the stream. */
    private static List<WatchBatchResponse> watch(ManagedChannel c, String batchId) {
        List<WatchBatchResponse> all = new ArrayList<>();
        stub(c).watchBatch(WatchBatchRequest.newBuilder().setBatchId(batchId).build()).forEachRemaining(all::add);
        return all;
    }

    @Test
    void aSecondaryConductsAnOperationAndItsStatesStreamUntilFinal() throws Exception {
        String watchId = device(firmware(), ukLine());
        Iterator<ConductOperationResponse> states = stub(acme).conductOperation(ConductOperationRequest.newBuilder()
                .setOperation(retrieve("./DevDetail/FwV").toBuilder().setDeviceRef(watchId)).build());
        List<Operation> seen = new ArrayList<>();
        states.forEachRemaining(s -> seen.add(s.getOperation()));
        assertThat(seen.getFirst().getState()).isIn("Queued", "Delivered");
        Operation last = seen.getLast();
        assertThat(last.getState()).isEqualTo("Succeeded");
        assertThat(last.getDeviceRef()).isEqualTo(watchId);
        assertThat(last.getResultsList()).anySatisfy(v -> assertThat(v.getUri()).isEqualTo("./DevDetail/FwV"));
        // MDM4: the report of that device shows it, to acme only
        List<Transaction> report = stub(acme).getOperationsReport(GetOperationsReportRequest.newBuilder()
                .setDeviceRef(watchId).build()).getTransactionsList();
        assertThat(report).anySatisfy(t -> assertThat(t.getOperationId()).isEqualTo(last.getOperationId()));
        assertThat(stub(globex).getOperationsReport(GetOperationsReportRequest.getDefaultInstance())
                .getTransactionsList()).noneSatisfy(t -> assertThat(t.getOperationId())
                        .isEqualTo(last.getOperationId()));
    }

    @Test
    void aBatchRunsAsAJobResultsStreamAndArePulledDevicesOutsideReachAreRejectedAlone() throws Exception {
        String fw = firmware();
        String uk1 = device(fw, ukLine());
        String uk2 = device(fw, ukLine());
        String fr = device(fw, frLine());
        String unknown = "urn:imei:356938059999999";
        SubmitBatchRequest submit = SubmitBatchRequest.newBuilder().setBatchId("acme-batch-1")
                .setOperation(retrieve("./DevDetail/FwV")).addAllDevices(List.of(uk1, uk2, fr, unknown)).build();
        var batch = stub(acme).submitBatch(submit).getBatch();
        assertThat(batch.getBatchId()).isEqualTo("acme-batch-1");
        assertThat(batch.getJob().getJobId()).isNotEmpty();

        // streamed: each device's result once, then the ended batch
        List<WatchBatchResponse> events = watch(acme, "acme-batch-1");
        List<JobExecution> results = events.stream().filter(WatchBatchResponse::hasResult)
                .map(WatchBatchResponse::getResult).toList();
        assertThat(results).hasSize(4);
        assertThat(results).filteredOn(r -> r.getState().equals("Succeeded")).extracting(JobExecution::getDeviceRef)
                .containsExactlyInAnyOrder(uk1, uk2);
        assertThat(results).filteredOn(r -> r.getState().equals("Succeeded"))
                .allSatisfy(r -> assertThat(r.getResultsList()).anySatisfy(v -> assertThat(v.getValue()).isEqualTo(fw)));
        assertThat(results).filteredOn(r -> r.getTarget().equals(fr)).singleElement()
                .satisfies(r -> assertThat(r.getState()).isEqualTo("Rejected"))
                .satisfies(r -> assertThat(r.getReason()).contains("outside the caller's policy"));
        assertThat(results).filteredOn(r -> r.getTarget().equals(unknown)).singleElement()
                .satisfies(r -> assertThat(r.getReason()).contains("unknown device"));
        WatchBatchResponse end = events.getLast();
        assertThat(end.hasBatch()).isTrue();
        assertThat(end.getBatch().getJob().hasEndedTime()).isTrue();
        assertThat(end.getBatch().getJob().getCountsMap()).containsEntry("Succeeded", 2).containsEntry("Rejected", 2);

        // pulled: the same, page by page
        GetBatchResponse first = stub(acme).getBatch(GetBatchRequest.newBuilder().setBatchId("acme-batch-1")
                .setLimit(3).build());
        GetBatchResponse second = stub(acme).getBatch(GetBatchRequest.newBuilder().setBatchId("acme-batch-1")
                .setLimit(3).setPageToken(first.getNextPageToken()).build());
        assertThat(first.getResultsCount() + second.getResultsCount()).isEqualTo(4);
        assertThat(second.hasNextPageToken()).isFalse();
        assertThat(stub(acme).getBatch(GetBatchRequest.newBuilder().setBatchId("acme-batch-1").setState("Rejected")
                .build()).getResultsList()).hasSize(2);

        // batchId idempotency: the same body answers the same batch; another body is a conflict
        assertThat(stub(acme).submitBatch(submit).getBatch().getJob().getJobId()).isEqualTo(batch.getJob().getJobId());
        assertRefused(() -> stub(acme).submitBatch(submit.toBuilder().clearDevices().addDevices(uk1).build()),
                Status.Code.ABORTED, "SVC2007", "batchId already used");

        // isolation: globex sees none of it, and may use the same batchId for its own
        assertRefused(() -> stub(globex).getBatch(GetBatchRequest.newBuilder().setBatchId("acme-batch-1").build()),
                Status.Code.NOT_FOUND, "SVC2008");
        assertRefused(() -> watch(globex, "acme-batch-1"), Status.Code.NOT_FOUND, "SVC2008");
        assertRefused(() -> stub(globex).cancelBatch(org.omatwin.proto.dmwsi.delegation.v1.CancelBatchRequest
                .newBuilder().setBatchId("acme-batch-1").build()), Status.Code.NOT_FOUND, "SVC2008");
        assertThat(stub(globex).getOperationsReport(GetOperationsReportRequest.getDefaultInstance())
                .getTransactionsList()).noneSatisfy(t -> assertThat(t.getJobId()).isEqualTo(batch.getJob().getJobId()));
        // acme's report of the batch: the batch and its operations
        assertThat(stub(acme).getOperationsReport(GetOperationsReportRequest.newBuilder().setBatchId("acme-batch-1")
                .build()).getTransactionsList()).extracting(Transaction::getSummary)
                .anyMatch(s -> s.startsWith("retrieve ./DevDetail/FwV: Succeeded"));
    }

    @Test
    void aBatchBreakingThePolicyIsRefusedWholeAndAForbiddenNodeIsRefused() throws Exception {
        String uk = device(firmware(), ukLine());
        assertRefused(() -> stub(acme).submitBatch(SubmitBatchRequest.newBuilder().setBatchId("acme-forbidden")
                .setOperation(retrieve("./SCOMO/Inventory")).addDevices(uk).build()),
                Status.Code.PERMISSION_DENIED, "POL0001", "./SCOMO/Inventory");
        assertRefused(() -> stub(acme).getBatch(GetBatchRequest.newBuilder().setBatchId("acme-forbidden").build()),
                Status.Code.NOT_FOUND, "SVC2008");
        assertRefused(() -> stub(acme).conductOperation(ConductOperationRequest.newBuilder()
                .setOperation(retrieve("./SCOMO/Inventory").toBuilder().setDeviceRef(uk)).build()).next(),
                Status.Code.PERMISSION_DENIED, "POL2003");
        // a single operation outside the reach: as if unknown
        String fr = device(firmware(), frLine());
        assertRefused(() -> stub(acme).conductOperation(ConductOperationRequest.newBuilder()
                .setOperation(retrieve("./DevDetail/FwV").toBuilder().setDeviceRef(fr)).build()).next(),
                Status.Code.NOT_FOUND, "SVC0004");
    }

    @Test
    void aPseudonymousSecondarySeesNoDevIdNorLine() throws Exception {
        String fw = firmware();
        String uk = device(fw, ukLine());
        String fr = device(fw, frLine());
        // it names devices by pseudonym only: a devId is unknown to it
        assertRefused(() -> stub(globex).conductOperation(ConductOperationRequest.newBuilder()
                .setOperation(retrieve("./DevDetail/FwV").toBuilder().setDeviceRef(uk)).build()).next(),
                Status.Code.NOT_FOUND, "SVC0004");
        // it learns its devices' pseudonyms from a batch over a filter
        stub(globex).submitBatch(SubmitBatchRequest.newBuilder().setBatchId("globex-1")
                .setOperation(retrieve("./DevDetail/FwV")).setFilter("fwV==" + fw).build());
        List<WatchBatchResponse> events = watch(globex, "globex-1");
        List<JobExecution> results = events.stream().filter(WatchBatchResponse::hasResult)
                .map(WatchBatchResponse::getResult).toList();
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.getState()).isEqualTo("Succeeded");
            assertThat(r.getDeviceRef()).startsWith("pid:");
        });
        String pid = results.getFirst().getDeviceRef();
        List<ConductOperationResponse> states = new ArrayList<>();
        stub(globex).conductOperation(ConductOperationRequest.newBuilder()
                .setOperation(retrieve("./DevDetail/FwV").toBuilder().setDeviceRef(pid)).build())
                .forEachRemaining(states::add);
        assertThat(states.getLast().getOperation().getState()).isEqualTo("Succeeded");
        assertThat(states.getLast().getOperation().getDeviceRef()).isEqualTo(pid);
        var report = stub(globex).getOperationsReport(GetOperationsReportRequest.newBuilder().setDeviceRef(pid)
                .build());
        assertThat(report.getTransactionsList()).isNotEmpty().allSatisfy(t -> assertThat(t.getDeviceRef())
                .isEqualTo(pid));
        String everything = events.toString() + states + stub(globex).getOperationsReport(
                GetOperationsReportRequest.getDefaultInstance());
        for (String real : List.of(uk, fr, "urn:imei:", "tel:+44", "tel:+33")) {
            assertThat(everything).doesNotContain(real);
        }
    }

    @Test
    void certificatesOfUnknownCasExpiredOrChainingToAnotherSecondarysCaAreRefusedAndNoPolicyMeansNoAccess()
            throws Exception {
        GetOperationsReportRequest any = GetOperationsReportRequest.getDefaultInstance();
        // acme's name from a CA nobody configured: the handshake fails
        PeerCertificates stranger = PeerCertificates.create(ACME);
        assertThatThrownBy(() -> stub(channel(stranger, ACME)).getOperationsReport(any))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        // acme's own CA, expired
        PeerCertificates expired = certs.expired(ACME);
        assertThatThrownBy(() -> stub(channel(expired, ACME)).getOperationsReport(any))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        // globex's name under acme's CA: each secondary is tied to its own CA
        PeerCertificates crossed = certs.issuedBy(ACME, GLOBEX);
        assertRefused(() -> stub(channel(crossed, GLOBEX)).getOperationsReport(any), Status.Code.UNAUTHENTICATED);
        // a configured secondary without a policy of its own ("*" is for OAuth clients only)
        assertRefused(() -> stub(channel(certs, NOPOLICY)).getOperationsReport(any), Status.Code.PERMISSION_DENIED,
                "POL0001");
        // the same secondaries are fine
        assertThat(stub(acme).getOperationsReport(any)).isNotNull();
        // a secondary is known by its certificate only: a bearer token naming it is refused on DMWSI
        var rest = new DmwsiRest(core, issuer).call("secondary:acme", "oma_dmwsi.audit", "GET",
                "/dmwsi/v1/transactions", null);
        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(401);
    }
}
