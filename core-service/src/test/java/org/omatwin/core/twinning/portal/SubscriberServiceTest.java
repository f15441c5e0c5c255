package org.omatwin.core.twinning.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.twinning.api.Scopes;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest;
import org.omatwin.proto.portal.v1.ActivateDeviceRequest;
import org.omatwin.proto.portal.v1.DeactivateTwinningRequest;
import org.omatwin.proto.portal.v1.GetTwinningHistoryRequest;
import org.omatwin.proto.portal.v1.HistoryEntry;
import org.omatwin.proto.portal.v1.Line;
import org.omatwin.proto.portal.v1.ListLinesRequest;
import org.omatwin.proto.portal.v1.RenameTwinningRequest;
import org.omatwin.proto.portal.v1.SetTwinningStatusRequest;
import org.omatwin.proto.portal.v1.SubscriberServiceGrpc;
import org.omatwin.proto.portal.v1.SubscriberServiceGrpc.SubscriberServiceBlockingStub;
import org.omatwin.proto.portal.v1.TwinnedDevice;
import org.omatwin.proto.portal.v1.WatchChangesRequest;
import org.omatwin.proto.portal.v1.WatchChangesResponse;
import org.omatwin.proto.twinning.v1.RequestError;
import org.omatwin.testsupport.LocalIssuer;

/**
 * The portal's SubscriberService over real gRPC on loopback, against a real core in jwt mode with
 * embedded PostgreSQL: subscribers act on their own lines only; devices act over REST meanwhile.
 */
class SubscriberServiceTest {
    private static final String ALICE_PHONE = Devices.tel();
    private static final String ALICE_TABLET = Devices.tel();
    private static final String BOB_PHONE = Devices.tel();
    private static LocalIssuer issuer;
    private static CoreServer core;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(CoreConfig.from(Map.of(
                "TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0",
                "TWIN_DATA_DIR", Files.createTempDirectory("twinning-portal").toString(),
                "TWIN_AUTH_ISSUER", LocalIssuer.ISSUER,
                "TWIN_AUTH_JWKS_URL", issuer.jwksUrl(),
                "TWIN_MCC", "234", "TWIN_MNC", "15",
                "TWIN_DEMO_SUBSCRIBERS", "alice=" + ALICE_PHONE + "," + ALICE_TABLET + ";bob=" + BOB_PHONE)));
        channel = NettyChannelBuilder.forTarget(core.grpcTarget()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        core.close();
        issuer.close();
    }

    private static SubscriberServiceBlockingStub as(String token) {
        Metadata h = new Metadata();
        if (token != null) {
            h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        return SubscriberServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static SubscriberServiceBlockingStub subscriber(String id) {
        return as(issuer.token(id, "openid " + SubscriberGrpcService.SCOPE));
    }

    private static String device(String address) {
        return issuer.token(address, Scopes.ALL);
    }

    private static String rest(String device, String path) {
        return core.restUrl() + "/" + Rest.enc(device) + path;
    }

    /** A watch asks for a code over REST, as a device would. */
    private static String codeFor(String watch) {
        Rest.Response r = Rest.withToken("POST", rest(watch, "/twinnings"),
                "{\"twinning\":{\"role\":\"Secondary\"}}", device(watch));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.twinning().path("activationCode").path("code").asText();
    }

    private static TwinnedDevice twin(String subscriber, String line, String watch, String name) {
        return subscriber(subscriber).activateDevice(ActivateDeviceRequest.newBuilder().setLineAddress(line)
                .setActivationCode(codeFor(watch)).setName(name).build()).getDevice();
    }

    private static RequestError requestError(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(a -> a.is(RequestError.class)).findFirst()
                .map(a -> {
                    try {
                        return a.unpack(RequestError.class);
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                }).orElseThrow();
    }

    private static String messageId(StatusRuntimeException e) {
        RequestError r = requestError(e);
        return r.hasServiceException() ? r.getServiceException().getMessageId()
                : r.getPolicyException().getMessageId();
    }

    @Test
    void aSubscriberSeesTheirLinesAndTheDevicesTwinnedWithThem() {
        String watch = Devices.tel();
        TwinnedDevice added = twin("alice", ALICE_PHONE, watch, "Running watch");
        assertThat(added.getStatus()).isEqualTo("On");
        assertThat(added.getAddress()).isEqualTo(watch);
        assertThat(added.getName()).isEqualTo("Running watch");
        assertThat(added.getMcc() + "/" + added.getMnc()).isEqualTo("234/15");

        List<Line> lines = subscriber("alice").listLines(ListLinesRequest.getDefaultInstance()).getLinesList();
        assertThat(lines).extracting(Line::getAddress).containsExactlyInAnyOrder(ALICE_PHONE, ALICE_TABLET);
        Line phone = lines.stream().filter(l -> l.getAddress().equals(ALICE_PHONE)).findFirst().orElseThrow();
        assertThat(phone.getDevicesList()).extracting(TwinnedDevice::getTwinningId).contains(added.getTwinningId());
        assertThat(phone.getDevices(0).hasSince()).isTrue();
    }

    @Test
    void toggleRenameHistoryAndRemoveActAsTheLineWithTheDeviceSideVisible() {
        String watch = Devices.tel();
        String id = twin("alice", ALICE_PHONE, watch, "Car").getTwinningId();
        var alice = subscriber("alice");
        assertThat(alice.setTwinningStatus(SetTwinningStatusRequest.newBuilder().setTwinningId(id).setStatus("Off")
                .build()).getDevice().getStatus()).isEqualTo("Off");
        assertThat(alice.renameTwinning(RenameTwinningRequest.newBuilder().setTwinningId(id).setName("Family car")
                .build()).getDevice().getName()).isEqualTo("Family car");
        // the watch toggles back over REST
        Rest.Response on = Rest.withToken("PUT", rest(watch, "/twinnings/" + id + "/twinningStatus"),
                "{\"twinningStatus\":\"On\"}", device(watch));
        assertThat(on.status()).as(on.text()).isEqualTo(200);

        List<HistoryEntry> history = alice.getTwinningHistory(GetTwinningHistoryRequest.newBuilder()
                .setTwinningId(id).build()).getEntriesList();
        assertThat(history).extracting(HistoryEntry::getEventType)
                .containsExactly("StatusChanged", "Renamed", "StatusChanged", "Activated");
        assertThat(history.get(0).getActorRole()).isEqualTo("Secondary");
        assertThat(history.get(0).getActorAddress()).isEqualTo(watch);
        assertThat(history.get(0).getStatus()).isEqualTo("On");
        assertThat(history.get(1).getName()).isEqualTo("Family car");
        assertThat(history.get(3).getActorAddress()).isEqualTo(ALICE_PHONE);

        alice.deactivateTwinning(DeactivateTwinningRequest.newBuilder().setTwinningId(id).build());
        assertThat(alice.listLines(ListLinesRequest.getDefaultInstance()).getLinesList().stream()
                .flatMap(l -> l.getDevicesList().stream())).extracting(TwinnedDevice::getTwinningId).doesNotContain(id);
        Rest.Response gone = Rest.withToken("GET", rest(watch, "/twinnings/" + id), null, device(watch));
        assertThat(gone.status()).isEqualTo(404);
        // the history of a removed device stays readable to its subscriber
        assertThat(alice.getTwinningHistory(GetTwinningHistoryRequest.newBuilder().setTwinningId(id).build())
                .getEntriesList()).extracting(HistoryEntry::getEventType).startsWith("Deactivated").hasSize(5);
        assertThatThrownBy(() -> subscriber("bob").getTwinningHistory(GetTwinningHistoryRequest.newBuilder()
                .setTwinningId(id).build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void linesCarryTheDeviceLimitAndTheSubscribersNicknames() {
        var alice = subscriber("alice");
        assertThat(alice.setLineNickname(org.omatwin.proto.portal.v1.SetLineNicknameRequest.newBuilder()
                .setLineAddress(ALICE_TABLET).setNickname(" Work tablet ").build()).getNickname())
                .isEqualTo("Work tablet");
        var lines = alice.listLines(ListLinesRequest.getDefaultInstance());
        assertThat(lines.getMaxDevicesPerLine()).isEqualTo(5);
        assertThat(lines.getLinesList()).filteredOn(l -> l.getAddress().equals(ALICE_TABLET))
                .singleElement().extracting(Line::getNickname).isEqualTo("Work tablet");
        // bad nicknames and other subscribers' lines change nothing
        for (String bad : List.of("x".repeat(33), "a\u202Eb")) {
            assertThatThrownBy(() -> alice.setLineNickname(org.omatwin.proto.portal.v1.SetLineNicknameRequest
                    .newBuilder().setLineAddress(ALICE_TABLET).setNickname(bad).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(messageId(e)).isEqualTo("SVC0002"));
        }
        assertThatThrownBy(() -> subscriber("bob").setLineNickname(org.omatwin.proto.portal.v1.SetLineNicknameRequest
                .newBuilder().setLineAddress(ALICE_TABLET).setNickname("mine").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(messageId(e)).isEqualTo("SVC0004"));
        assertThat(alice.listLines(ListLinesRequest.getDefaultInstance()).getLinesList())
                .filteredOn(l -> l.getAddress().equals(ALICE_TABLET))
                .singleElement().extracting(Line::getNickname).isEqualTo("Work tablet");
        alice.setLineNickname(org.omatwin.proto.portal.v1.SetLineNicknameRequest.newBuilder()
                .setLineAddress(ALICE_TABLET).setNickname("").build());
        assertThat(alice.listLines(ListLinesRequest.getDefaultInstance()).getLinesList())
                .filteredOn(l -> l.getAddress().equals(ALICE_TABLET))
                .singleElement().extracting(Line::getNickname).isEqualTo("");
    }

    @Test
    void anotherSubscribersTwinningLooksExactlyLikeOneThatDoesNotExist() {
        String id = twin("alice", ALICE_PHONE, Devices.tel(), "Alice's watch").getTwinningId();
        var bob = subscriber("bob");
        assertThat(bob.listLines(ListLinesRequest.getDefaultInstance()).getLinesList())
                .extracting(Line::getAddress).containsExactly(BOB_PHONE);
        assertThat(bob.listLines(ListLinesRequest.getDefaultInstance()).getLinesList().get(0).getDevicesList())
                .isEmpty();
        for (String target : List.of(id, "no-such-twinning")) {
            List<Runnable> calls = List.of(
                    () -> bob.setTwinningStatus(SetTwinningStatusRequest.newBuilder().setTwinningId(target)
                            .setStatus("Off").build()),
                    () -> bob.renameTwinning(RenameTwinningRequest.newBuilder().setTwinningId(target)
                            .setName("mine now").build()),
                    () -> bob.deactivateTwinning(DeactivateTwinningRequest.newBuilder().setTwinningId(target).build()),
                    () -> bob.getTwinningHistory(GetTwinningHistoryRequest.newBuilder().setTwinningId(target).build()));
            for (Runnable call : calls) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(messageId(e)).isEqualTo("SVC2008");
                    assertThat(e.getStatus().getDescription()).doesNotContain(ALICE_PHONE);
                });
            }
        }
        // Bob cannot redeem a code for Alice's line, nor for a line nobody owns: the same answer
        for (String line : List.of(ALICE_PHONE, Devices.tel())) {
            assertThatThrownBy(() -> bob.activateDevice(ActivateDeviceRequest.newBuilder().setLineAddress(line)
                    .setActivationCode(codeFor(Devices.tel())).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                        assertThat(messageId(e)).isEqualTo("SVC0004");
                    });
        }
        // Alice's twinning is untouched
        assertThat(subscriber("alice").getTwinningHistory(GetTwinningHistoryRequest.newBuilder().setTwinningId(id)
                .build()).getEntriesList()).hasSize(1);
    }

    @Test
    void wrongCodesAndTheDeviceLimitCarryTheContractsErrors() {
        var alice = subscriber("alice");
        assertThatThrownBy(() -> alice.activateDevice(ActivateDeviceRequest.newBuilder().setLineAddress(ALICE_TABLET)
                .setActivationCode("000000").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(messageId(e)).isEqualTo("SVC0002");
                    assertThat(requestError(e).getServiceException().getVariablesList()).contains("activationCode");
                });
        for (int i = 0; i < 5; i++) {
            twin("alice", ALICE_TABLET, Devices.tel(), "tablet device " + i);
        }
        assertThatThrownBy(() -> twin("alice", ALICE_TABLET, Devices.tel(), "one too many"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(messageId(e))
                        .isEqualTo("POL2008"));
    }

    @Test
    void callsWithoutASubscriberTokenOrItsScopeAreRefused() {
        assertThatThrownBy(() -> as(null).listLines(ListLinesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(messageId(e)).isEqualTo("SVC2003");
                });
        assertThatThrownBy(() -> as("not-a-jwt").listLines(ListLinesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.UNAUTHENTICATED));
        // a device token (all OMA scopes) is not a subscriber token
        assertThatThrownBy(() -> as(device(ALICE_PHONE)).listLines(ListLinesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(messageId(e)).isEqualTo("POL2003");
                });
    }

    @Test
    void changesMadeByTheDeviceAreStreamedToItsSubscriberOnly() throws Exception {
        String watch = Devices.tel();
        String id = twin("alice", ALICE_PHONE, watch, "Streamed watch").getTwinningId();
        BlockingQueue<WatchChangesResponse> alice = new ArrayBlockingQueue<>(100);
        BlockingQueue<WatchChangesResponse> bob = new ArrayBlockingQueue<>(100);
        var aliceCtx = io.grpc.Context.current().withCancellation();
        var bobCtx = io.grpc.Context.current().withCancellation();
        try {
            start(aliceCtx, "alice", alice);
            start(bobCtx, "bob", bob);
            Thread.sleep(500); // the streams are subscribed
            Rest.Response off = Rest.withToken("PUT", rest(watch, "/twinnings/" + id + "/twinningStatus"),
                    "{\"twinningStatus\":\"Off\"}", device(watch));
            assertThat(off.status()).as(off.text()).isEqualTo(200);
            WatchChangesResponse change = alice.poll(10, TimeUnit.SECONDS);
            // the activation's own event may still be on its way: wait for the toggle
            while (change != null && !(change.getTwinningId().equals(id)
                    && change.getEventType().equals("StatusChanged"))) {
                change = alice.poll(10, TimeUnit.SECONDS);
            }
            assertThat(change).isNotNull();
            assertThat(change.getEventType()).isEqualTo("StatusChanged");
            assertThat(change.getLineAddress()).isEqualTo(ALICE_PHONE);
            Thread.sleep(300);
            assertThat(bob.stream().map(WatchChangesResponse::getTwinningId)).doesNotContain(id);
        } finally {
            aliceCtx.cancel(null);
            bobCtx.cancel(null);
        }
    }

    private static void start(io.grpc.Context.CancellableContext ctx, String subscriber,
            BlockingQueue<WatchChangesResponse> into) {
        Thread t = new Thread(() -> ctx.run(() -> {
            try {
                Iterator<WatchChangesResponse> it = SubscriberServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(subscriber)))
                        .watchChanges(WatchChangesRequest.getDefaultInstance());
                it.forEachRemaining(into::add);
            } catch (StatusRuntimeException e) {
                // cancelled at the end of the test
            }
        }));
        t.setDaemon(true);
        t.start();
    }

    private static Metadata bearer(String subscriber) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer "
                + issuer.token(subscriber, "openid " + SubscriberGrpcService.SCOPE));
        return h;
    }
}
