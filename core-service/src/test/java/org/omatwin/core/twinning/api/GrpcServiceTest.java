package org.omatwin.core.twinning.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.twinning.api.DevCallerInterceptor;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.TestCore;
import org.omatwin.proto.twinning.v1.*;

/** The main paths over gRPC with a real stub on a real socket. */
class GrpcServiceTest {
    private static ManagedChannel channel;
    private static TwinningServiceGrpc.TwinningServiceBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", TestCore.get().grpcPort()).usePlaintext().build();
        stub = TwinningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    private static Twinning secondaryCreates(String watch) {
        return stub.createTwinning(CreateTwinningRequest.newBuilder().setUserId(watch)
                .setTwinning(Twinning.newBuilder().setRole("Secondary")).build()).getTwinning();
    }

    private static Twinning primaryActivates(String phone, String code) {
        return stub.createTwinning(CreateTwinningRequest.newBuilder().setUserId(phone)
                .setTwinning(Twinning.newBuilder().setRole("Primary").setName("Car")
                        .setActivationCode(TwinningActivationCode.newBuilder().setCode(code)))
                .build()).getTwinning();
    }

    private static String idOf(Twinning t) {
        return t.getResourceUrl().substring(t.getResourceUrl().lastIndexOf('/') + 1);
    }

    @Test
    void fullLifeCycleOverGrpc() {
        String watch = Devices.tel();
        String phone = Devices.tel();
        Twinning pending = secondaryCreates(watch);
        assertThat(pending.getTwinningStatus()).isEqualTo("Pending");
        assertThat(pending.getActivationCode().getCode()).matches("[0-9]{6}");

        Twinning on = primaryActivates(phone, pending.getActivationCode().getCode());
        assertThat(on.getTwinningStatus()).isEqualTo("On");
        assertThat(on.getOtherDevice().getAddress()).isEqualTo(watch);
        String id = idOf(on);

        List<Twinning> list = stub.listTwinnings(ListTwinningsRequest.newBuilder().setUserId(phone).build())
                .getTwinningList().getTwinningList();
        assertThat(list).extracting(Twinning::getName).containsExactly("Car");

        UpdateTwinningStatusResponse off = stub.updateTwinningStatus(UpdateTwinningStatusRequest.newBuilder()
                .setUserId(watch).setTwinningId(id).setTwinningStatus("Off").build());
        assertThat(off.getTwinningStatus()).isEqualTo("Off");
        assertThat(stub.getTwinning(GetTwinningRequest.newBuilder().setUserId(phone).setTwinningId(id).build())
                .getTwinning().getTwinningStatus()).isEqualTo("Off");

        stub.deleteTwinning(DeleteTwinningRequest.newBuilder().setUserId(phone).setTwinningId(id).build());
        assertThatThrownBy(() -> stub.getTwinning(GetTwinningRequest.newBuilder().setUserId(watch)
                .setTwinningId(id).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void errorsCarryTheOmaErrorInTheStatusDetails() {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> stub.createTwinning(CreateTwinningRequest.newBuilder().setUserId(Devices.tel())
                        .setTwinning(Twinning.newBuilder().setRole("Tertiary")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        RequestError err = detail(e, RequestError.class);
        assertThat(err.getServiceException().getMessageId()).isEqualTo("SVC1014");
        assertThat(err.getServiceException().getVariablesList()).containsExactly("role");
    }

    @Test
    void rateLimitCarriesRetryInfo() {
        String phone = Devices.tel();
        for (int i = 0; i < 5; i++) {
            try {
                primaryActivates(phone, "999999");
            } catch (StatusRuntimeException expected) {
                assertThat(expected.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
        }
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> primaryActivates(phone, "999999"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(detail(e, RequestError.class).getPolicyException().getMessageId()).isEqualTo("POL2005");
        assertThat(detail(e, RetryInfo.class).getRetryDelay().getSeconds()).isPositive();
    }

    @Test
    void theDevelopmentCallerHeaderBindsTheCallerToOneDevice() {
        String phone = Devices.tel();
        Metadata h = new Metadata();
        h.put(Metadata.Key.of(DevCallerInterceptor.HEADER, Metadata.ASCII_STRING_MARSHALLER), phone);
        var asPhone = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
        assertThat(asPhone.listTwinnings(ListTwinningsRequest.newBuilder().setUserId("acr:auth").build())
                .getTwinningList().getResourceUrl()).contains(org.omatwin.core.support.Rest.enc(phone));
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> asPhone.listTwinnings(ListTwinningsRequest.newBuilder().setUserId(Devices.tel()).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(detail(e, RequestError.class).getPolicyException().getMessageId()).isEqualTo("POL2003");
    }

    @Test
    void healthIsServing() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService(TwinningServiceGrpc.SERVICE_NAME).build());
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void reflectionListsTheTwinningService() throws InterruptedException {
        List<String> services = new ArrayList<>();
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
        assertThat(services).contains("oma.twinning.v1.TwinningService", "grpc.health.v1.Health");
    }

    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        assertThat(s).isNotNull();
        return s.getDetailsList().stream().filter(a -> a.is(type)).findFirst().map(a -> {
            try {
                return a.unpack(type);
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in the status details"));
    }
}
