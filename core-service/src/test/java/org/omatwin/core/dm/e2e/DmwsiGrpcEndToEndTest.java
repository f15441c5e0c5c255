package org.omatwin.core.dm.e2e;

import org.omatwin.core.dm.DmTestCores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.proto.dmwsi.v1.CancelOperationRequest;
import org.omatwin.proto.dmwsi.v1.ConfigValue;
import org.omatwin.proto.dmwsi.v1.CreateOperationRequest;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc.DeviceManagementServiceBlockingStub;
import org.omatwin.proto.dmwsi.v1.GetDeviceTreeRequest;
import org.omatwin.proto.dmwsi.v1.GetDiscoveryRequest;
import org.omatwin.proto.dmwsi.v1.GetOperationRequest;
import org.omatwin.proto.dmwsi.v1.ListOperationsRequest;
import org.omatwin.proto.dmwsi.v1.NodeValue;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.testsupport.LocalIssuer;

/**
 * DMWSI over gRPC (the core's gRPC port, a real stub, the bearer token in metadata) with the reference
 * DM client as the device: retrieve and configure end to end with results pulled by
 * {@code wait_seconds}, the tree, paging, the client's isolation, and server reflection listing the service.
 */
class DmwsiGrpcEndToEndTest {
    private static LocalIssuer issuer;
    private static CoreServer core;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dmwsi-grpc"),
                Map.of("TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1")));
        channel = NettyChannelBuilder.forTarget(core.grpcTarget()).usePlaintext().build();
    }

    static DeviceAgent device(String devId) {
        return DmTestCores.device(core, issuer, devId, "7.1.3", Executors.newCachedThreadPool());
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        core.close();
        issuer.close();
    }

    static DeviceManagementServiceBlockingStub stub(String client, String scope) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + issuer.token(client, scope));
        return DeviceManagementServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(40, TimeUnit.SECONDS);
    }


    static Operation awaitFinal(DeviceManagementServiceBlockingStub read, String operationId) {
        Operation op = null;
        for (int i = 0; i < 3; i++) {
            op = read.getOperation(GetOperationRequest.newBuilder().setOperationId(operationId).setWaitSeconds(10)
                    .build()).getOperation();
            if (!List.of("Queued", "Delivered").contains(op.getState())) {
                return op;
            }
        }
        return op;
    }

    @Test
    void retrieveAndConfigureOverGrpc() throws Exception {
        String devId = "urn:imei:356938035600017";
        DeviceAgent phone = device(devId);
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        CompletableFuture<Void> loop = phone.runLoop(30);
        try {
            var operate = stub("care-grpc", "oma_dmwsi.operate");
            var read = stub("care-grpc", "oma_dmwsi.read");

            Operation retrieve = operate.createOperation(CreateOperationRequest.newBuilder().setOperation(
                    Operation.newBuilder().setType("retrieve").setDeviceRef(devId).addUris("./DevDetail/FwV"))
                    .build()).getOperation();
            assertThat(retrieve.getState()).isEqualTo("Queued");
            Operation retrieved = awaitFinal(read, retrieve.getOperationId());
            assertThat(retrieved.getState()).isEqualTo("Succeeded");
            assertThat(retrieved.getResultsList()).extracting(NodeValue::getUri, NodeValue::getValue)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("./DevDetail/FwV", "7.1.3"));

            Operation configure = operate.createOperation(CreateOperationRequest.newBuilder().setOperation(
                    Operation.newBuilder().setType("configure").setDeviceRef(devId).setCustomerCare(true)
                            .addValues(ConfigValue.newBuilder().setUri("./Wifi/1/Key").setValue("grpc-secret")))
                    .build()).getOperation();
            assertThat(configure.getValues(0).hasValue()).as("a value is never echoed").isFalse();
            Operation configured = awaitFinal(read, configure.getOperationId());
            assertThat(configured.getState()).isEqualTo("Succeeded");
            assertThat(configured.getCustomerCare()).isTrue();
            assertThat(configured.getTimelineList()).extracting(s -> s.getState())
                    .containsExactly("Queued", "Delivered", "Succeeded");
            assertThat(phone.tree().value("./Wifi/1/Key")).contains("grpc-secret");

            // the tree from the store, and the list, over gRPC too
            var tree = read.getDeviceTree(GetDeviceTreeRequest.newBuilder().setDeviceRef(devId)
                    .setUri("./DevDetail").build()).getNodeList();
            assertThat(tree.getNodeList()).extracting(NodeValue::getUri).contains("./DevDetail/FwV");
            var list = read.listOperations(ListOperationsRequest.newBuilder().setLimit(1).build()).getOperationList();
            assertThat(list.getOperationList()).extracting(Operation::getOperationId)
                    .containsExactly(configure.getOperationId());
            assertThat(list.getNextPageToken()).isNotEmpty();
            assertThat(read.listOperations(ListOperationsRequest.newBuilder().setPageToken(list.getNextPageToken())
                    .build()).getOperationList().getOperationList()).extracting(Operation::getOperationId)
                    .containsExactly(retrieve.getOperationId());

            // another client sees none of it; a delivered operation cannot be cancelled
            assertThat(stub("care-other", "oma_dmwsi.read").listOperations(ListOperationsRequest.getDefaultInstance())
                    .getOperationList().getOperationCount()).isZero();
            assertThatThrownBy(() -> stub("care-other", "oma_dmwsi.read").getOperation(GetOperationRequest
                    .newBuilder().setOperationId(retrieve.getOperationId()).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
            assertThatThrownBy(() -> operate.cancelOperation(CancelOperationRequest.newBuilder()
                    .setOperationId(retrieve.getOperationId()).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK));
            assertThat(read.getDiscovery(GetDiscoveryRequest.getDefaultInstance()).getDiscovery().getVersionsList())
                    .containsExactly("v1");
        } finally {
            phone.stop();
            loop.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void reflectionListsTheService() throws Exception {
        List<String> services = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        value.getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(services).contains("oma.dmwsi.v1.DeviceManagementService", "oma.dmwsi.v1.DmSubscriptionService");
    }

    @Test
    void resultsAndEventsArePushedForOperationsAndSubscriptionsMadeOverGrpc() throws Exception {
        String devId = "urn:imei:356938035600025";
        DeviceAgent phone = device(devId);
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        try (org.omatwin.core.support.Listener listener = org.omatwin.core.support.Listener.accepting()) {
            Metadata h = new Metadata();
            h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + issuer.token("noc-grpc", "oma_dmwsi.subscribe"));
            var subscriptions = org.omatwin.proto.dmwsi.v1.DmSubscriptionServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                    .withDeadlineAfter(40, TimeUnit.SECONDS);
            var made = subscriptions.createSubscription(org.omatwin.proto.dmwsi.v1.CreateSubscriptionRequest
                    .newBuilder().setDmSubscription(org.omatwin.proto.dmwsi.v1.DmSubscription.newBuilder()
                            .setCallbackReference(org.omatwin.proto.dmwsi.v1.CallbackReference.newBuilder()
                                    .setNotifyUrl(listener.url()).setCallbackData("sub"))
                            .addEventTypes("operationCompleted").addDeviceRefs(devId))
                    .build()).getDmSubscription();
            assertThat(made.getSubscriptionId()).startsWith("s-");

            Operation op = stub("noc-grpc", "oma_dmwsi.operate").createOperation(CreateOperationRequest.newBuilder()
                    .setOperation(Operation.newBuilder().setType("inventory").setDeviceRef(devId)
                            .setCallbackReference(org.omatwin.proto.dmwsi.v1.CallbackReference.newBuilder()
                                    .setNotifyUrl(listener.url()).setCallbackData("op")))
                    .build()).getOperation();
            assertThat(op.getCallbackReference().getCallbackData()).isEqualTo("op");
            assertThat(phone.pollAndRun(0).get(20, TimeUnit.SECONDS)).isPresent();

            var heard = listener.await(2, java.time.Duration.ofSeconds(20));
            assertThat(heard).extracting(r -> r.body().path("dmNotification").path("callbackData").asText())
                    .containsExactlyInAnyOrder("op", "sub");
            assertThat(heard).allSatisfy(r -> {
                var n = r.body().path("dmNotification");
                assertThat(n.path("eventType").asText()).isEqualTo("operationCompleted");
                assertThat(n.path("operation").path("operationId").asText()).isEqualTo(op.getOperationId());
                assertThat(n.path("operation").path("state").asText()).isEqualTo("Succeeded");
            });
        }
    }
}
