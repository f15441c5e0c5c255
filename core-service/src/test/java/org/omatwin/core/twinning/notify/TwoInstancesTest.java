package org.omatwin.core.twinning.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Listener;
import org.omatwin.core.support.Rest;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.core.support.TestCore;
import org.omatwin.proto.twinning.v1.TwinningEventServiceGrpc;
import org.omatwin.proto.twinning.v1.WatchTwinningEventsRequest;
import org.omatwin.proto.twinning.v1.WatchTwinningEventsResponse;

/** A second core instance on the same PostgreSQL: shared codes, shared work, shared event streams. */
class TwoInstancesTest {
    private static CoreServer second;

    @BeforeAll
    static void startSecond() throws Exception {
        CoreServer first = TestCore.get();
        second = CoreServer.start(CoreConfig.from(Map.ofEntries(
                Map.entry("TWIN_HTTP_PORT", "0"), Map.entry("TWIN_GRPC_PORT", "0"),
                Map.entry("TWIN_DM_HTTPS_PORT", "0"),
                Map.entry("TWIN_DATA_DIR", Files.createTempDirectory("twinning-second").toString()),
                Map.entry("TWIN_DATABASE_URL", first.database().jdbcUrl()),
                Map.entry("TWIN_DATABASE_USER", "postgres"),
                Map.entry("TWIN_CODE_HASH_KEY", TestCore.CODE_HASH_KEY),
                Map.entry("TWIN_MCC", "234"), Map.entry("TWIN_MNC", "15"),
                Map.entry("TWIN_AUTH_MODE", "dev"),
                Map.entry("TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1"))));
    }

    @AfterAll
    static void stopSecond() {
        second.close();
    }

    private static String secondUrl(String user, String rest) {
        return "http://127.0.0.1:" + second.httpPort() + "/twinning/v1/"
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + rest;
    }

    @Test
    void aCodeIssuedByOneInstanceIsRedeemedAtTheOtherAndBothSeeTheRelationship() {
        String watch = Devices.tel();
        String phone = Devices.tel();
        String code = Rest.requestCode(watch).twinning().path("activationCode").path("code").asText();
        Response on = Rest.post(secondUrl(phone, "/twinnings"), "{\"twinning\":{\"role\":\"Primary\","
                + "\"activationCode\":{\"code\":\"" + code + "\"}}}");
        assertThat(on.status()).as(on.text()).isEqualTo(201);
        assertThat(Rest.get(Rest.url(phone, "/twinnings")).json().path("twinningList").path("twinning")).hasSize(1);
    }

    @Test
    void watchersOnOneInstanceSeeEventsCommittedThroughTheOther() throws Exception {
        String watch = Devices.tel();
        String phone = Devices.tel();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", second.grpcPort()).usePlaintext().build();
        try {
            Iterator<WatchTwinningEventsResponse> stream = TwinningEventServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .watchTwinningEvents(WatchTwinningEventsRequest.newBuilder().addDeviceAddresses(phone).build());
            Thread.sleep(300);
            String id = Rest.id(Rest.twin(phone, watch)); // through the first instance
            var event = stream.next().getEvent();
            assertThat(event.getEventType()).isEqualTo("Activated");
            assertThat(event.getTwinningId()).isEqualTo(id);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void eachNotificationIsDeliveredOnceWhileBothInstancesDispatch() throws Exception {
        String phone = Devices.tel();
        try (Listener p = Listener.accepting()) {
            Rest.post(Rest.url(phone, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                    + "{\"notifyURL\":\"" + p.url() + "\"}}}");
            for (int i = 0; i < 5; i++) { // the limit of secondaries
                String watch = Devices.tel();
                String code = Rest.post(secondUrl(watch, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\"}}")
                        .twinning().path("activationCode").path("code").asText();
                assertThat(Rest.activate(phone, code, null).status()).isEqualTo(201); // code from the second, redeemed at the first
            }
            p.await(5, Duration.ofSeconds(15));
            Thread.sleep(1_000); // both dispatchers had time to deliver twice, if they could
            assertThat(p.all()).hasSize(5);
            assertThat(p.all()).extracting(Listener.Received::notificationId).doesNotHaveDuplicates();
        }
    }
}
