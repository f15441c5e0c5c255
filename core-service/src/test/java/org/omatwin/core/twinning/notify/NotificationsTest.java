package org.omatwin.core.twinning.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.store.schema.Tables.OUTBOX_MESSAGE;
import static org.omatwin.core.store.schema.Tables.SUBSCRIPTION;
import static org.omatwin.core.support.Rest.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Listener;
import org.omatwin.core.support.Listener.Received;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.core.support.TestCore;
import org.omatwin.proto.twinning.v1.TwinningEventServiceGrpc;
import org.omatwin.proto.twinning.v1.WatchTwinningEventsRequest;
import org.omatwin.proto.twinning.v1.WatchTwinningEventsResponse;

/** Notifications to a real HTTP listener, through the outbox in real PostgreSQL. */
class NotificationsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static String subscribe(String device, Listener l, String callbackData) {
        Response r = post(url(device, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"" + l.url() + "\",\"callbackData\":\"" + callbackData + "\"}}}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().path("twinningSubscription").path("resourceURL").asText();
    }

    private static List<Received> settle(Listener l, int expected) throws InterruptedException {
        List<Received> got = l.await(expected, WAIT);
        Thread.sleep(700); // nothing more should arrive
        return l.all();
    }

    @Test
    void activationNotifiesBothSidesWithTheirOwnResource() throws Exception {
        String watch = Devices.tel();
        String phone = Devices.tel();
        try (Listener w = Listener.accepting(); Listener p = Listener.accepting()) {
            String code = requestCode(watch).twinning().path("activationCode").path("code").asText();
            String watchSub = subscribe(watch, w, "watch-data");
            String phoneSub = subscribe(phone, p, "phone-data");
            Instant before = Instant.now();
            assertThat(activate(phone, code, "Watch").status()).isEqualTo(201);

            Received toWatch = w.await(1, WAIT).get(0);
            JsonNode n = toWatch.notification();
            assertThat(toWatch.notificationId()).isNotBlank();
            assertThat(n.path("eventType").asText()).isEqualTo("Activated");
            assertThat(n.path("callbackData").asText()).isEqualTo("watch-data");
            assertThat(n.path("twinning").path("role").asText()).isEqualTo("Secondary");
            assertThat(n.path("twinning").path("twinningStatus").asText()).isEqualTo("On");
            assertThat(n.path("twinning").path("otherDevice").path("address").asText()).isEqualTo(phone);
            assertThat(n.path("link").get(0).path("rel").asText()).isEqualTo("TwinningSubscription");
            assertThat(n.path("link").get(0).path("href").asText()).isEqualTo(watchSub);
            assertThat(Instant.parse(n.path("eventTime").asText())).isBetween(before.minusSeconds(1), Instant.now());

            JsonNode toPhone = p.await(1, WAIT).get(0).notification();
            assertThat(toPhone.path("eventType").asText()).isEqualTo("Activated");
            assertThat(toPhone.path("callbackData").asText()).isEqualTo("phone-data");
            assertThat(toPhone.path("twinning").path("role").asText()).isEqualTo("Primary");
            assertThat(toPhone.path("twinning").path("name").asText()).isEqualTo("Watch");
            assertThat(toPhone.path("link").get(0).path("href").asText()).isEqualTo(phoneSub);
        }
    }

    @Test
    void toggleAndRenameNotifyOnlyTheOtherSideAndDeactivationBoth() throws Exception {
        String watch = Devices.tel();
        String phone = Devices.tel();
        try (Listener w = Listener.accepting(); Listener p = Listener.accepting()) {
            subscribe(watch, w, "w");
            subscribe(phone, p, "p");
            String id = id(twin(phone, watch));
            w.await(1, WAIT);
            p.await(1, WAIT);

            put(url(watch, "/twinnings/" + id + "/twinningStatus"), "{\"twinningStatus\":\"Off\"}");
            JsonNode statusChanged = p.await(2, WAIT).get(1).notification();
            assertThat(statusChanged.path("eventType").asText()).isEqualTo("StatusChanged");
            assertThat(statusChanged.path("twinning").path("twinningStatus").asText()).isEqualTo("Off");

            put(url(phone, "/twinnings/" + id + "/name"), "{\"name\":\"Car\"}");
            JsonNode renamed = w.await(2, WAIT).get(1).notification();
            assertThat(renamed.path("eventType").asText()).isEqualTo("Renamed");
            assertThat(renamed.path("twinning").path("name").asText()).isEqualTo("Car");

            delete(url(watch, "/twinnings/" + id));
            assertThat(settle(w, 3)).extracting(r -> r.notification().path("eventType").asText())
                    .containsExactly("Activated", "Renamed", "Deactivated");
            assertThat(settle(p, 3)).extracting(r -> r.notification().path("eventType").asText())
                    .containsExactly("Activated", "StatusChanged", "Deactivated");
        }
    }

    @Test
    void aListenerFailingThreeTimesGetsOneLogicalNotificationWithTheSameId() throws Exception {
        String watch = Devices.tel();
        String phone = Devices.tel();
        try (Listener p = new Listener(n -> n < 3 ? 500 : 200)) {
            subscribe(phone, p, "p");
            twin(phone, watch);
            List<Received> got = settle(p, 4);
            assertThat(got).hasSize(4);
            assertThat(got).extracting(Received::answered).containsExactly(500, 500, 500, 200);
            assertThat(got).extracting(Received::notificationId).containsOnly(got.get(0).notificationId());
            assertThat(state(got.get(0).notificationId())).as("delivered notifications leave the outbox").isNull();
        }
    }

    @Test
    void aListenerThatAlwaysFailsEndsParkedNotRetriedForever() throws Exception {
        String phone = Devices.tel();
        try (Listener p = new Listener(n -> 503)) {
            subscribe(phone, p, "p");
            twin(phone, Devices.tel());
            String id = p.await(1, WAIT).get(0).notificationId();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!"PARKED".equals(state(id)) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(state(id)).isEqualTo("PARKED");
            int attempts = p.all().size();
            assertThat(attempts).isGreaterThan(1);
            Thread.sleep(1500);
            assertThat(p.all()).as("no attempt after parking").hasSize(attempts);
            String metrics = get("http://127.0.0.1:" + TestCore.get().httpPort() + "/internal/metrics").text();
            assertThat(metrics).contains("twinning_notifications_failed_total").contains("twinning_notifications_retried_total");
        }
    }

    @Test
    void orderPerSubscriptionHoldsAcrossRetries() throws Exception {
        String watch = Devices.tel();
        String phone = Devices.tel();
        try (Listener p = new Listener(n -> n == 1 ? 500 : 204)) {
            subscribe(phone, p, "p");
            String id = id(twin(phone, watch));
            String[] sequence = {"Off", "On", "Off", "On", "Off", "On"};
            for (String s : sequence) {
                assertThat(put(url(watch, "/twinnings/" + id + "/twinningStatus"), "{\"twinningStatus\":\"" + s + "\"}")
                        .status()).isEqualTo(200);
            }
            List<Received> got = settle(p, 1 + sequence.length + 1);
            List<String> acknowledged = got.stream().filter(r -> r.answered() < 300)
                    .map(r -> r.notification().path("eventType").asText() + ":"
                            + r.notification().path("twinning").path("twinningStatus").asText())
                    .toList();
            assertThat(acknowledged).containsExactly("Activated:On", "StatusChanged:Off", "StatusChanged:On",
                    "StatusChanged:Off", "StatusChanged:On", "StatusChanged:Off", "StatusChanged:On");
        }
    }

    @Test
    void forbiddenCallbackTargetsAreRefused() {
        String d = Devices.tel();
        for (String target : new String[] {"http://10.1.2.3/n", "http://169.254.169.254/latest/meta-data",
                "http://192.168.1.10/n", "http://[::1]:8080/n", "http://localhost:8080/n", "http://0.0.0.0/n",
                "http://[fc00::1]/n", "http://100.64.0.1/n", "http://172.16.0.1/n", "http://unresolvable.invalid/n"}) {
            Response r = post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                    + "{\"notifyURL\":\"" + target + "\"}}}");
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.messageId()).as(target).isEqualTo("SVC0002");
            assertThat(r.json().path("requestError").path("serviceException").path("variables").get(0).asText())
                    .isEqualTo("callbackReference.notifyURL");
        }
        assertThat(get(url(d, "/subscriptions")).json().path("subscriptionList").path("twinningSubscription")).isEmpty();
    }

    @Test
    void subscriptionsPerDeviceAreLimited() {
        String d = Devices.tel();
        for (int i = 0; i < 10; i++) {
            assertThat(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                    + "{\"notifyURL\":\"http://127.0.0.1:9/" + i + "\"}}}").status()).isEqualTo(201);
        }
        Response r = post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/x\"}}}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.messageId()).isEqualTo("POL0001");
    }

    @Test
    void cancellingASubscriptionStopsItsNotifications() throws Exception {
        String phone = Devices.tel();
        try (Listener p = Listener.accepting()) {
            String sub = subscribe(phone, p, "p");
            assertThat(delete(sub).status()).isEqualTo(204);
            twin(phone, Devices.tel());
            Thread.sleep(1500);
            assertThat(p.all()).isEmpty();
        }
    }

    @Test
    void expiredSubscriptionsStopAndDisappear() throws Exception {
        String phone = Devices.tel();
        try (Listener p = Listener.accepting()) {
            String sub = subscribe(phone, p, "p");
            String id = sub.substring(sub.lastIndexOf('/') + 1);
            TestCore.get().database().dsl().update(SUBSCRIPTION)
                    .set(SUBSCRIPTION.EXPIRES_AT, java.time.OffsetDateTime.now().minusSeconds(1))
                    .where(SUBSCRIPTION.ID.eq(id)).execute();
            assertThat(get(sub).status()).isEqualTo(404);
            assertThat(get(url(phone, "/subscriptions")).json().path("subscriptionList").path("twinningSubscription"))
                    .isEmpty();
            twin(phone, Devices.tel());
            Thread.sleep(1500);
            assertThat(p.all()).as("an expired subscription is not notified").isEmpty();
        }
    }

    @Test
    void serverSideConsumersWatchTheSameEvents() throws Exception {
        String watch = Devices.tel();
        String phone = Devices.tel();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", TestCore.get().grpcPort())
                .usePlaintext().build();
        try {
            Iterator<WatchTwinningEventsResponse> stream = TwinningEventServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .watchTwinningEvents(WatchTwinningEventsRequest.newBuilder().addDeviceAddresses(phone).build());
            Thread.sleep(300); // the stream is registered once the call reached the server
            String id = id(twin(phone, watch));
            put(url(watch, "/twinnings/" + id + "/twinningStatus"), "{\"twinningStatus\":\"Off\"}");
            var first = stream.next().getEvent();
            var second = stream.next().getEvent();
            assertThat(first.getEventType()).isEqualTo("Activated");
            assertThat(first.getTwinningId()).isEqualTo(id);
            assertThat(first.getPrimaryAddress()).isEqualTo(phone);
            assertThat(second.getEventType()).isEqualTo("StatusChanged");
            assertThat(second.getActorRole()).isEqualTo("Secondary");
            assertThat(second.getActorAddress()).isEqualTo(watch);
            assertThat(second.getTwinningStatus()).isEqualTo("Off");
            assertThat(second.getEventId()).isGreaterThan(first.getEventId());
        } finally {
            channel.shutdownNow();
        }
    }

    private static String state(String notificationId) {
        return TestCore.get().database().dsl().select(OUTBOX_MESSAGE.STATE).from(OUTBOX_MESSAGE)
                .where(OUTBOX_MESSAGE.ID.eq(notificationId)).fetchOne(OUTBOX_MESSAGE.STATE);
    }
}
