package org.omatwin.core.twinning.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Rest.enc;
import static org.omatwin.core.support.Rest.post;
import static org.omatwin.core.support.Rest.put;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.CoreProcess;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Listener;
import org.omatwin.core.support.Listener.Received;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.testsupport.Ports;

/** kill -9 of the core while it delivers: after a restart every notification still arrives. */
class NotificationCrashIT {

    @Test
    void killDuringDeliveryLosesNothing() throws Exception {
        Path dataDir = Files.createTempDirectory("twinning-crash");
        int http = Ports.free();
        int grpc = Ports.free();
        Map<String, String> env = Map.of("TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1", "TWIN_NOTIFY_TIMEOUT_MS", "3000",
                "TWIN_NOTIFY_BACKOFF_MS", "100", "TWIN_NOTIFY_MAX_IN_FLIGHT", "2");
        // A slow listener: each delivery takes 400 ms, so the kill lands while deliveries are in flight.
        try (Listener slow = new Listener(n -> {
            sleep(400);
            return 204;
        })) {
            String phone = Devices.tel();
            List<String> expected = new ArrayList<>();
            try (CoreProcess core = CoreProcess.start(dataDir, http, grpc, env)) {
                String base = core.baseUrl();
                Response sub = post(base + enc(phone) + "/subscriptions", "{\"twinningSubscription\":"
                        + "{\"callbackReference\":{\"notifyURL\":\"" + slow.url() + "\"}}}");
                assertThat(sub.status()).isEqualTo(201);
                for (int i = 0; i < 3; i++) {
                    String watch = Devices.tel();
                    String code = post(base + enc(watch) + "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}")
                            .twinning().path("activationCode").path("code").asText();
                    Response on = post(base + enc(phone) + "/twinnings", "{\"twinning\":{\"role\":\"Primary\","
                            + "\"activationCode\":{\"code\":\"" + code + "\"}}}");
                    String id = on.twinning().path("resourceURL").asText();
                    id = id.substring(id.lastIndexOf('/') + 1);
                    expected.add(id + ":Activated:On");
                    for (String s : new String[] {"Off", "On"}) {
                        assertThat(put(base + enc(watch) + "/twinnings/" + id + "/twinningStatus",
                                "{\"twinningStatus\":\"" + s + "\"}").status()).isEqualTo(200);
                        expected.add(id + ":StatusChanged:" + s);
                    }
                }
                slow.await(1, Duration.ofSeconds(20));
                core.kill();
            }
            int beforeRestart = distinct(slow.all()).size();
            assertThat(beforeRestart).as("the kill happened mid-way").isLessThan(expected.size());
            try (CoreProcess core = CoreProcess.start(dataDir, http, grpc, env)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (distinct(slow.all()).size() < expected.size() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            }
            Set<String> got = slow.all().stream().map(NotificationCrashIT::key).collect(Collectors.toSet());
            assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static Set<String> distinct(List<Received> all) {
        return all.stream().map(Received::notificationId).collect(Collectors.toSet());
    }

    private static String key(Received r) {
        String url = r.notification().path("twinning").path("resourceURL").asText();
        return url.substring(url.lastIndexOf('/') + 1) + ":" + r.notification().path("eventType").asText() + ":"
                + r.notification().path("twinning").path("twinningStatus").asText();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
