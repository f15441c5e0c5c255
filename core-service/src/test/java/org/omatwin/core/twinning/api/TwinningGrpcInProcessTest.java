package org.omatwin.core.twinning.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.omatwin.core.infra.edge.ApiErrors;
import org.omatwin.core.infra.edge.ErrorInterceptor;
import org.omatwin.core.twinning.subscription.SubscriptionUseCases;
import org.omatwin.core.twinning.support.InMemorySubscriptionStore;
import org.omatwin.core.twinning.support.InMemoryTwinningStore;
import org.omatwin.core.twinning.support.TwinningFixture;
import org.omatwin.proto.twinning.v1.CallbackReference;
import org.omatwin.proto.twinning.v1.CreateSubscriptionRequest;
import org.omatwin.proto.twinning.v1.CreateTwinningRequest;
import org.omatwin.proto.twinning.v1.DeleteSubscriptionRequest;
import org.omatwin.proto.twinning.v1.GetTwinningRequest;
import org.omatwin.proto.twinning.v1.ListSubscriptionsRequest;
import org.omatwin.proto.twinning.v1.ListTwinningsRequest;
import org.omatwin.proto.twinning.v1.RequestError;
import org.omatwin.proto.twinning.v1.Twinning;
import org.omatwin.proto.twinning.v1.TwinningActivationCode;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc.TwinningServiceBlockingStub;
import org.omatwin.proto.twinning.v1.TwinningSubscription;
import org.omatwin.proto.twinning.v1.UpdateTwinningStatusRequest;

/**
 * The device gRPC service in-process, behind the interceptor chain CoreServer builds for devices in
 * development mode (no authorization server: the caller names its device in x-dev-device-address),
 * over the in-memory stores: real stubs, real statuses, no socket and no database.
 */
class TwinningGrpcInProcessTest {
    private static final String BASE = "https://core.test";

    private final TwinningFixture f = new TwinningFixture();
    private final InMemorySubscriptionStore subscriptionStore = new InMemorySubscriptionStore();
    private Server server;
    private ManagedChannel channel;
    private final String watch = TwinningFixture.tel().value();
    private final String phone = TwinningFixture.tel().value();

    @BeforeEach
    void start() throws IOException {
        SubscriptionUseCases subscriptions = new SubscriptionUseCases(subscriptionStore.transactions(),
                Duration.ofHours(1), Duration.ofDays(1), 5, url -> {}, f.clock);
        TwinningGrpcService service = new TwinningGrpcService(f.twinnings, subscriptions,
                new ResourceUrls(() -> BASE));
        String name = InProcessServerBuilder.generateName();
        // as CoreServer: [PathUser, device authentication, ErrorInterceptor (outermost)]
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, new PathUser(), new DevCallerInterceptor(true),
                        new ErrorInterceptor()))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private TwinningServiceBlockingStub anonymous() {
        return TwinningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    /** A stub whose calls carry x-dev-device-address: the device the caller is. */
    private TwinningServiceBlockingStub as(String device) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of(DevCallerInterceptor.HEADER, Metadata.ASCII_STRING_MARSHALLER), device);
        return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
    }

    private static CreateTwinningRequest secondary(String userId) {
        return CreateTwinningRequest.newBuilder().setUserId(userId)
                .setTwinning(Twinning.newBuilder().setRole("Secondary")).build();
    }

    private static CreateTwinningRequest primary(String userId, String code, String name) {
        Twinning.Builder t = Twinning.newBuilder().setRole("Primary")
                .setActivationCode(TwinningActivationCode.newBuilder().setCode(code));
        if (name != null) {
            t.setName(name);
        }
        return CreateTwinningRequest.newBuilder().setUserId(userId).setTwinning(t).build();
    }

    private static String enc(String address) {
        return URLEncoder.encode(address, StandardCharsets.UTF_8);
    }

    private static String idOf(Twinning t) {
        return t.getResourceUrl().substring(t.getResourceUrl().lastIndexOf('/') + 1);
    }

    @Test
    void createRedeemAndListOverGrpc() {
        Twinning pending = as(watch).createTwinning(secondary("acr:auth")).getTwinning();
        assertThat(pending.getRole()).isEqualTo("Secondary");
        assertThat(pending.getTwinningStatus()).isEqualTo("Pending");
        assertThat(pending.getOwnAddress()).isEqualTo(watch);
        assertThat(pending.getActivationCode().getCode()).matches("[0-9]{6}");
        assertThat(pending.getActivationCode().getMcc()).isEqualTo("310");
        assertThat(pending.getActivationCode().getMnc()).isEqualTo("410");
        assertThat(pending.getActivationCode().getExpiryTime().getSeconds())
                .isEqualTo(TwinningFixture.T0.plus(Duration.ofMinutes(10)).getEpochSecond());
        String id = idOf(pending);
        assertThat(pending.getResourceUrl()).isEqualTo(BASE + "/twinning/v1/" + enc(watch) + "/twinnings/" + id);

        Twinning on = as(phone).createTwinning(primary(phone, pending.getActivationCode().getCode(), "Car"))
                .getTwinning();
        assertThat(on.getTwinningStatus()).isEqualTo("On");
        assertThat(on.getName()).isEqualTo("Car");
        assertThat(on.getOtherDevice().getAddress()).isEqualTo(watch);
        assertThat(on.getOtherDevice().getRole()).isEqualTo("Secondary");
        assertThat(on.getResourceUrl()).isEqualTo(BASE + "/twinning/v1/" + enc(phone) + "/twinnings/" + id);

        var phones = as(phone).listTwinnings(ListTwinningsRequest.newBuilder().setUserId("acr:auth").build())
                .getTwinningList();
        assertThat(phones.getResourceUrl()).isEqualTo(BASE + "/twinning/v1/" + enc(phone) + "/twinnings");
        assertThat(phones.getTwinningList()).extracting(Twinning::getName).containsExactly("Car");

        Twinning seenBySecondary = as(watch).listTwinnings(ListTwinningsRequest.newBuilder().setUserId(watch)
                .setOtherDeviceAddress(phone).build()).getTwinningList().getTwinning(0);
        assertThat(seenBySecondary.getTwinningStatus()).isEqualTo("On");
        assertThat(seenBySecondary.getOtherDevice().getAddress()).isEqualTo(phone);
        assertThat(seenBySecondary.getPrimaryDeviceVmAddress()).isEqualTo(phone);
        assertThat(seenBySecondary.getAuthCode()).isEqualTo("auth-1");
        assertThat(seenBySecondary.hasActivationCode()).isFalse();

        assertThat(as(watch).updateTwinningStatus(UpdateTwinningStatusRequest.newBuilder().setUserId("acr:auth")
                .setTwinningId(id).setTwinningStatus("Off").build()).getTwinningStatus()).isEqualTo("Off");
        assertThat(as(phone).getTwinning(GetTwinningRequest.newBuilder().setUserId(phone).setTwinningId(id).build())
                .getTwinning().getTwinningStatus()).isEqualTo("Off");
    }

    @Test
    void aPrimaryMaySendBackTheWholeActivationCodeItWasShownExpiryTimeIncluded() {
        TwinningActivationCode shown = as(watch).createTwinning(secondary(watch)).getTwinning().getActivationCode();
        assertThat(shown.hasExpiryTime()).isTrue();
        assertThat(shown.hasMcc()).isTrue();

        Twinning on = as(phone).createTwinning(CreateTwinningRequest.newBuilder().setUserId(phone)
                .setTwinning(Twinning.newBuilder().setRole("Primary").setActivationCode(shown)).build())
                .getTwinning();

        assertThat(on.getTwinningStatus()).isEqualTo("On");
        assertThat(on.getOtherDevice().getAddress()).isEqualTo(watch);
    }

    @Test
    void aForwardedExpiryTimeDoesNotExtendTheCodesLife() {
        TwinningActivationCode shown = as(watch).createTwinning(secondary(watch)).getTwinning().getActivationCode();
        f.clock.advance(Duration.ofMinutes(11));
        TwinningActivationCode later = shown.toBuilder()
                .setExpiryTime(shown.getExpiryTime().toBuilder().setSeconds(shown.getExpiryTime().getSeconds() + 3600))
                .build();

        StatusRuntimeException e = failure(() -> as(phone).createTwinning(CreateTwinningRequest.newBuilder()
                .setUserId(phone).setTwinning(Twinning.newBuilder().setRole("Primary").setActivationCode(later))
                .build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(detail(e, RequestError.class).getServiceException().getVariablesList())
                .containsExactly("activationCode");
    }

    @Test
    void aWrongCodeArrivesAsInvalidArgumentWithTheOmaErrorInTheDetails() {
        String code = as(watch).createTwinning(secondary(watch)).getTwinning().getActivationCode().getCode();

        StatusRuntimeException e = failure(() -> as(phone).createTwinning(
                primary(phone, TwinningFixture.otherCode(code), null)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        RequestError err = detail(e, RequestError.class);
        assertThat(err.hasPolicyException()).isFalse();
        assertThat(err.getServiceException().getMessageId()).isEqualTo("SVC0002");
        assertThat(err.getServiceException().getVariablesList()).containsExactly("activationCode");
        assertThat(e.getTrailers().get(ApiErrors.HTTP_STATUS)).isEqualTo("400");
        assertThat(e.getTrailers().get(ApiErrors.REQUEST_ERROR)).contains("SVC0002");
    }

    @Test
    void aPolicyRefusalArrivesAsPermissionDeniedWithAPolicyException() {
        String code = as(watch).createTwinning(secondary(watch)).getTwinning().getActivationCode().getCode();
        as(phone).createTwinning(primary(phone, code, null));

        StatusRuntimeException e = failure(() -> as(phone).createTwinning(secondary(phone)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        RequestError err = detail(e, RequestError.class);
        assertThat(err.getPolicyException().getMessageId()).isEqualTo("POL1037");
        assertThat(err.hasServiceException()).isFalse();
        assertThat(e.getTrailers().get(ApiErrors.HTTP_STATUS)).isEqualTo("403");
    }

    @Test
    void tooManyWrongCodesArriveAsResourceExhaustedWithRetryInfo() {
        String code = as(watch).createTwinning(secondary(watch)).getTwinning().getActivationCode().getCode();
        String wrong = TwinningFixture.otherCode(code);
        for (int i = 0; i < TwinningFixture.POLICY.maxFailedAttempts(); i++) {
            assertThat(failure(() -> as(phone).createTwinning(primary(phone, wrong, null))).getStatus().getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        StatusRuntimeException e = failure(() -> as(phone).createTwinning(primary(phone, code, null)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(detail(e, RequestError.class).getPolicyException().getMessageId()).isEqualTo("POL2005");
        assertThat(detail(e, RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(15 * 60);
        assertThat(e.getTrailers().get(ApiErrors.RETRY_AFTER)).isEqualTo("900");
    }

    @Test
    void acrAuthIsTheHeadersDeviceAndAnotherDevicesPathIsRefused() {
        Twinning mine = as(watch).createTwinning(secondary("acr:auth")).getTwinning();
        assertThat(mine.getOwnAddress()).isEqualTo(watch);
        InMemoryTwinningStore.Contents before = f.store.contents();

        StatusRuntimeException e = failure(() -> as(watch).createTwinning(secondary(phone)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        RequestError err = detail(e, RequestError.class);
        assertThat(err.getPolicyException().getMessageId()).isEqualTo("POL2003");
        assertThat(err.getPolicyException().getVariablesList()).containsExactly("userId");
        assertThat(f.store.contents()).isEqualTo(before);
        // reading another device's list is refused the same way
        assertThat(detail(failure(() -> as(watch).listTwinnings(ListTwinningsRequest.newBuilder().setUserId(phone)
                .build())), RequestError.class).getPolicyException().getMessageId()).isEqualTo("POL2003");
    }

    @Test
    void aDeviceProbingAnotherDevicesPathIsAudited() {
        ch.qos.logback.classic.Logger audit =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try {
            StatusRuntimeException e = failure(() -> as(watch).listTwinnings(ListTwinningsRequest.newBuilder()
                    .setUserId(phone).build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        } finally {
            audit.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .singleElement().asString()
                .contains("authorization refused", "ListTwinnings", "subject=" + watch, phone);
    }

    @Test
    void acrAuthWithoutACallerIsUnauthenticatedAndAnInvalidHeaderIsRefused() {
        StatusRuntimeException noCaller = failure(() -> anonymous().createTwinning(secondary("acr:auth")));
        assertThat(noCaller.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(detail(noCaller, RequestError.class).getServiceException().getMessageId()).isEqualTo("SVC2003");

        StatusRuntimeException badHeader = failure(() -> as("not-an-address").createTwinning(secondary(watch)));
        assertThat(badHeader.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(detail(badHeader, RequestError.class).getServiceException().getVariablesList())
                .containsExactly(DevCallerInterceptor.HEADER);
        assertThat(f.store.twinnings()).isEmpty();

        // development mode: without the header the path's address is trusted
        assertThat(anonymous().createTwinning(secondary(watch)).getTwinning().getOwnAddress()).isEqualTo(watch);
    }

    @Test
    void anInvalidPathAddressAndAnUnknownTwinningAreRefused() {
        StatusRuntimeException bad = failure(() -> anonymous().createTwinning(secondary("tel:12345")));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(detail(bad, RequestError.class).getServiceException().getVariablesList())
                .containsExactly("userId");

        StatusRuntimeException unknown = failure(() -> as(watch).getTwinning(GetTwinningRequest.newBuilder()
                .setUserId("acr:auth").setTwinningId("no-such-twinning").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(detail(unknown, RequestError.class).getServiceException().getMessageId()).isEqualTo("SVC2008");
    }

    @Test
    void aSubscriptionIsCreatedListedAndCancelled() {
        TwinningSubscription created = as(watch).createSubscription(CreateSubscriptionRequest.newBuilder()
                .setUserId("acr:auth")
                .setTwinningSubscription(TwinningSubscription.newBuilder()
                        .setCallbackReference(CallbackReference.newBuilder()
                                .setNotifyUrl("https://app.example.com/notify").setCallbackData("x"))
                        .setClientCorrelator("s-1"))
                .build()).getTwinningSubscription();
        assertThat(created.getDuration()).isEqualTo(3600);
        assertThat(created.getResourceUrl()).startsWith(BASE + "/twinning/v1/" + enc(watch) + "/subscriptions/");
        String id = created.getResourceUrl().substring(created.getResourceUrl().lastIndexOf('/') + 1);

        assertThat(as(watch).listSubscriptions(ListSubscriptionsRequest.newBuilder().setUserId(watch).build())
                .getSubscriptionList().getTwinningSubscriptionList()).containsExactly(created);
        assertThat(subscriptionStore.all()).singleElement()
                .satisfies(s -> assertThat(s.device().value()).isEqualTo(watch));

        // another device neither sees nor cancels it
        StatusRuntimeException theirs = failure(() -> as(phone).deleteSubscription(DeleteSubscriptionRequest
                .newBuilder().setUserId(phone).setSubscriptionId(id).build()));
        assertThat(theirs.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        as(watch).deleteSubscription(DeleteSubscriptionRequest.newBuilder().setUserId(watch).setSubscriptionId(id)
                .build());
        assertThat(subscriptionStore.all()).isEmpty();
    }

    private static StatusRuntimeException failure(Executable call) {
        return assertThrows(StatusRuntimeException.class, call);
    }

    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        assertThat(s).as("status details").isNotNull();
        return s.getDetailsList().stream().filter(a -> a.is(type)).findFirst().map(a -> {
            try {
                return a.unpack(type);
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in the status details"));
    }
}
