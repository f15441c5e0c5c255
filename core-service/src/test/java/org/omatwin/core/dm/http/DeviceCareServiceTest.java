package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.proto.portal.v1.CaredDevice;
import org.omatwin.proto.portal.v1.DeviceCareServiceGrpc;
import org.omatwin.proto.portal.v1.GetCaredDeviceRequest;
import org.omatwin.proto.portal.v1.InstallUpdateRequest;
import org.omatwin.proto.portal.v1.ListCaredDevicesRequest;
import org.omatwin.proto.portal.v1.ResendSettingsRequest;

/**
 * DeviceCareService (dm-api.md section 10) over real gRPC with the core's edge: the subscriber of the
 * token sees the devices of their own lines only; a token without the portal's scope, a device's token
 * or none is refused (each RPC declares its scope; authorization fails closed); what is not theirs is
 * 404 SVC2008 with the element it names.
 */
class DeviceCareServiceTest {
    private static DmHttp h;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        h = DmHttp.start(Map.of());
        channel = NettyChannelBuilder.forTarget(h.core.grpcTarget()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        h.close();
    }

    private static DeviceCareServiceGrpc.DeviceCareServiceBlockingStub as(String subject, String scope) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + h.issuer.token(subject, scope));
        return DeviceCareServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static void provision(String subscriber, String line, String devId) {
        DmHttp.Resp r = h.dmwsi("PUT", "/subscribers/" + subscriber, "{\"subscriber\":{\"lines\":[{\"msisdn\":\""
                + line + "\",\"devices\":[\"" + devId + "\"]}]}}", "oma_dmwsi.provision");
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    @Test
    void aSubscriberSeesTheDevicesOfTheirOwnLinesOnly() {
        String watch = DmHttp.newDevId();
        String other = DmHttp.newDevId();
        provision("erin", Devices.tel(), watch);
        provision("frank", Devices.tel(), other);

        assertThat(as("erin", "openid twinning.portal").listCaredDevices(ListCaredDevicesRequest.getDefaultInstance())
                .getDevicesList()).extracting(CaredDevice::getDevId).containsExactly(watch);
        CaredDevice mine = as("erin", "twinning.portal").getCaredDevice(GetCaredDeviceRequest.newBuilder()
                .setDevId(watch).build()).getDevice();
        assertThat(mine.getUpdatesList()).isEmpty(); // never seen: nothing is offered
        assertThat(mine.getHasSettings()).isFalse();

        for (Runnable call : new Runnable[] {
                () -> as("erin", "twinning.portal").getCaredDevice(GetCaredDeviceRequest.newBuilder().setDevId(other)
                        .build()),
                () -> as("erin", "twinning.portal").installUpdate(InstallUpdateRequest.newBuilder().setDevId(other)
                        .setPackageId("pk-x").build()),
                () -> as("erin", "twinning.portal").resendSettings(ResendSettingsRequest.newBuilder().setDevId(other)
                        .build()),
                () -> as("erin", "twinning.portal").getCaredDevice(GetCaredDeviceRequest.newBuilder()
                        .setDevId("not a devId").build())}) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(e.getStatus().getDescription()).contains("on your lines");
            });
        }
        // the own device, but no such update: the package is named
        assertThatThrownBy(() -> as("erin", "twinning.portal").installUpdate(InstallUpdateRequest.newBuilder()
                .setDevId(watch).setPackageId("pk-x").build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).contains("no update pk-x"));
    }

    @Test
    void authorizationFailsClosed() {
        ListCaredDevicesRequest list = ListCaredDevicesRequest.getDefaultInstance();
        // the DM account's JSON scope is not one this service declares
        assertThatThrownBy(() -> as("erin", "oma_dm.account").listCaredDevices(list))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        // a device's token names no subscriber
        assertThatThrownBy(() -> as(DmHttp.newDevId(), "twinning.portal").listCaredDevices(list))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> DeviceCareServiceGrpc.newBlockingStub(channel).listCaredDevices(list))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }
}
