package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Listener;

/**
 * The device-notification gateway (dm-api.md section 7): a session still not started after the delay
 * (1 s here, 30 s by default) is handed once to the configured endpoint through the outbox, retried while
 * the endpoint fails, and never handed over when the device's long poll took the session in time.
 */
class DeviceGatewayTest {
    private static final AtomicInteger failuresLeft = new AtomicInteger();
    private static Listener gateway;
    private static DmHttp h;

    @BeforeAll
    static void start() throws Exception {
        gateway = new Listener(n -> failuresLeft.getAndDecrement() > 0 ? 503 : 204);
        h = DmHttp.start(Map.of("TWIN_DM_GATEWAY_URL", gateway.url(), "TWIN_DM_GATEWAY_DELAY_SECONDS", "1",
                "TWIN_NOTIFY_BACKOFF_MS", "100", "TWIN_NOTIFY_BACKOFF_MAX_MS", "200"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        gateway.close();
    }

    private static List<Listener.Received> wakeupsOf(String devId) {
        return gateway.all().stream().filter(r -> r.body().path("devId").asText().equals(devId)).toList();
    }

    private static List<Listener.Received> awaitWakeups(String devId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (wakeupsOf(devId).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return wakeupsOf(devId);
    }

    /** A device known on {@code line} (its token's msisdn claim), then work for it: a pending session. */
    private static String pendingSessionFor(String devId, String line) {
        DmHttp.Resp seen = h.raw("POST", "/sessions/next", h.issuer.token(devId, "oma_dm.device", Map.of("msisdn", line)),
                null, null, null);
        assertThat(seen.status()).isEqualTo(204);
        h.retrieve(devId, "", "./DevDetail");
        return h.pendingIds(devId).get(0);
    }

    @Test
    void aSessionStillNotStartedAfterTheDelayIsHandedToTheGatewayOnce() throws Exception {
        String devId = DmHttp.newDevId();
        String line = Devices.tel();
        Instant pendingSince = Instant.now();
        String sessionId = pendingSessionFor(devId, line);

        List<Listener.Received> woken = awaitWakeups(devId, 1);
        assertThat(woken).hasSize(1);
        assertThat(Duration.between(pendingSince, woken.get(0).at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(woken.get(0).body().toString()).isEqualTo("{\"devId\":\"" + devId + "\",\"msisdn\":\"" + line
                + "\",\"sessionId\":\"" + sessionId + "\",\"uiMode\":\"background\"}");
        assertThat(woken.get(0).notificationId()).isNotBlank();

        Thread.sleep(2_000); // still pending, still not started: not handed over again
        assertThat(wakeupsOf(devId)).hasSize(1);
        assertThat(h.pendingIds(devId)).containsExactly(sessionId);
    }

    @Test
    void aFailingGatewayIsCalledAgainUntilItAcknowledges() throws Exception {
        failuresLeft.set(2);
        String devId = DmHttp.newDevId();
        pendingSessionFor(devId, Devices.tel());

        List<Listener.Received> attempts = awaitWakeups(devId, 3);
        assertThat(attempts).extracting(Listener.Received::answered).containsExactly(503, 503, 204);
        assertThat(attempts).extracting(Listener.Received::notificationId).containsOnly(
                attempts.get(0).notificationId());
        Thread.sleep(1_000);
        assertThat(wakeupsOf(devId)).hasSize(3);
    }

    @Test
    void aSessionTheDevicesLongPollTookIsNeverHandedToTheGateway() throws Exception {
        String devId = DmHttp.newDevId();
        var poll = h.poll(devId, 30);
        Thread.sleep(300); // the poll is held
        h.retrieve(devId, "", "./DevDetail");
        DmHttp.Resp woken = poll.get(10, TimeUnit.SECONDS);
        String sessionId = woken.json().path("sessionList").path("session").get(0).path("sessionId").asText();
        DmHttp.Resp started = h.raw("POST", "/sessions/id/" + sessionId, h.deviceToken(devId), null, null, null);
        assertThat(started.status()).as(started.body()).isEqualTo(200);

        assertThat(DmHttp.uris(started.json().path("session"))).contains("./DevDetail");

        Thread.sleep(3_000);
        assertThat(wakeupsOf(devId)).isEmpty();
        h.runToEnd(devId, started.json().path("session"));
    }
}
