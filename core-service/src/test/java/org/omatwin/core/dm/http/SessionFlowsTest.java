package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.http.DmHttp.COMMANDS;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.http.DmHttp.Resp;

/**
 * The four flows of seed 004 x.2 (dm-api.md section 2) over the device surface's real TLS socket,
 * with plain HTTP requests: server-initiated (a held long poll returns with the session),
 * client-initiated ({@code POST /sessions/next} on the device's own event), browser-component-initiated
 * ({@code Accept: application/vnd.omadm-cmd+json} on {@code /sessions/next} and {@code /alert}) and
 * web-browser-initiated ({@code Accept: text/html}: a short page, the session stays pending).
 */
class SessionFlowsTest {
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static final byte[] FAULT = "{\"alert\":{\"type\":\"urn:oma:dm:alert:fault\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private static DmHttp dm;

    @BeforeAll
    static void start() throws Exception {
        dm = DmHttp.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        dm.close();
    }

    @Test
    void serverInitiatedAHeldLongPollReturnsWithTheSessionAsSoonAsWorkIsAccepted() throws Exception {
        String devId = DmHttp.newDevId();
        CompletableFuture<Resp> poll = dm.poll(devId, 30);
        Thread.sleep(300); // held
        assertThat(poll).isNotDone();
        long before = System.nanoTime();
        dm.retrieve(devId, "", "./DevDetail");
        Resp woken = poll.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(3));
        assertThat(woken.status()).isEqualTo(200);
        JsonNode sessions = woken.json().path("sessionList").path("session");
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).path("result").asText()).isEqualTo("Pending");
        String sessionId = sessions.get(0).path("sessionId").asText();
        assertThat(sessions.get(0).path("resourceURL").asText()).isEqualTo(dm.dmBase() + "/sessions/id/" + sessionId);

        // the client starts that session by its id
        Resp started = dm.dm(devId, "POST", "/sessions/id/" + sessionId, null);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.json().path("session").path("sessionId").asText()).isEqualTo(sessionId);
        assertThat(DmHttp.ops(started.json().path("session"))).containsExactly("GET", "END");
    }

    @Test
    void aNewerLongPollEndsTheOlderWithAnEmptyList() throws Exception {
        String devId = DmHttp.newDevId();
        CompletableFuture<Resp> older = dm.poll(devId, 30);
        Thread.sleep(300);
        CompletableFuture<Resp> newer = dm.poll(devId, 30);
        Resp ended = older.get(5, TimeUnit.SECONDS);
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.json().path("sessionList").path("session")).isEmpty();
        dm.retrieve(devId, "", "./DevInfo");
        assertThat(newer.get(5, TimeUnit.SECONDS).json().path("sessionList").path("session")).hasSize(1);
    }

    @Test
    void clientInitiatedWithoutWorkIs204AndWithWorkTheFirstPackage() {
        String devId = DmHttp.newDevId();
        String start = "{\"sessionStart\":{\"devInfo\":{\"devId\":\"" + devId + "\",\"man\":\"Acme\",\"mod\":\"W1\"},"
                + "\"devDetail\":{\"fwV\":\"1.0.0\"},\"supportedMOs\":[\"urn:oma:mo:oma-dm-devinfo:1.0\"]}}";
        Resp nothing = dm.dm(devId, "POST", "/sessions/next", start);
        assertThat(nothing.status()).as(nothing.body()).isEqualTo(204);
        assertThat(nothing.body()).isEmpty();
        // the sessionStart was stored even so: the device is known to DMWSI
        Resp profile = dm.dmwsi("GET", "/devices/" + devId, null, "oma_dmwsi.read");
        assertThat(profile.status()).as(profile.body()).isEqualTo(200);
        assertThat(profile.json().path("device").path("devDetail").path("fwV").asText()).isEqualTo("1.0.0");

        String op = dm.retrieve(devId, "", "./DevDetail/FwV");
        Resp first = dm.dm(devId, "POST", "/sessions/next", start);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("application/json"); // no Accept: JSON
        JsonNode pkg = first.json().path("session");
        assertThat(DmHttp.uris(pkg)).containsExactly("./DevDetail/FwV");
        assertThat(DmHttp.ops(pkg)).containsExactly("GET", "END");
        assertThat(pkg.path("uiMode").asText()).isEqualTo("background");
        assertThat(pkg.path("customerCare").asBoolean(true)).isFalse();
        assertThat(pkg.path("resourceURL").asText()).isEqualTo(dm.dmBase() + "/sessions/id/" + pkg.path("sessionId")
                .asText());
        assertThat(dm.state(op)).isEqualTo("Delivered");
        assertThat(dm.pendingIds(devId)).isEmpty();

        Resp end = dm.report(devId, pkg, 200);
        assertThat(end.status()).as(end.body()).isEqualTo(204);
        assertThat(dm.state(op)).isEqualTo("Succeeded");
        JsonNode done = dm.completed(devId, "").path("session");
        assertThat(done).hasSize(1);
        assertThat(done.get(0).path("sessionId").asText()).isEqualTo(pkg.path("sessionId").asText());
        assertThat(done.get(0).path("result").asText()).isEqualTo("OK");
        assertThat(done.get(0).has("endTime")).isTrue();
        // nothing left: 204 again
        assertThat(dm.dm(devId, "POST", "/sessions/next", null).status()).isEqualTo(204);
    }

    @Test
    void browserComponentOnSessionsNextGetsTheCommandsInTheCommandsMediaType() {
        String devId = DmHttp.newDevId();
        dm.retrieve(devId, "", "./DevInfo");
        Resp r = dm.raw("POST", "/sessions/next", dm.deviceToken(devId), null, COMMANDS, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith(COMMANDS);
        assertThat(DmHttp.uris(r.json().path("session"))).containsExactly("./DevInfo");
        assertThat(dm.pendingIds(devId)).isEmpty();
    }

    @Test
    void browserComponentOnAlertGetsTheCommandsAndWithoutThemTheAlertIsJustAccepted() {
        String devId = DmHttp.newDevId();
        // nothing pending: the alert is accepted, no commands
        Resp none = dm.raw("POST", "/alert", dm.deviceToken(devId), COMMANDS, COMMANDS, FAULT);
        assertThat(none.status()).as(none.body()).isEqualTo(202);

        String op = dm.retrieve(devId, "", "./DevInfo/Mod");
        // an alert that does not ask for commands leaves the session pending
        Resp plain = dm.raw("POST", "/alert", dm.deviceToken(devId), "application/json", "application/json", FAULT);
        assertThat(plain.status()).as(plain.body()).isEqualTo(202);
        assertThat(dm.pendingIds(devId)).hasSize(1);
        assertThat(dm.state(op)).isEqualTo("Queued");

        Resp cmds = dm.raw("POST", "/alert", dm.deviceToken(devId), COMMANDS, COMMANDS, FAULT);
        assertThat(cmds.status()).as(cmds.body()).isEqualTo(200);
        assertThat(cmds.contentType()).startsWith(COMMANDS);
        assertThat(DmHttp.uris(cmds.json().path("session"))).containsExactly("./DevInfo/Mod");
        assertThat(dm.state(op)).isEqualTo("Delivered");
    }

    @Test
    void aWebBrowserGetsAShortPageTheSessionStaysPendingAndTheDeviceLearnsOfIt() throws Exception {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./DevDetail");
        String pending = dm.pendingIds(devId).get(0);

        Resp page = dm.raw("POST", "/sessions/next", dm.deviceToken(devId), null, BROWSER_ACCEPT, null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("will be contacted").doesNotContain("cmd");
        assertThat(page.body().length()).isLessThan(1_000);
        // not started: still pending, nothing delivered
        assertThat(dm.pendingIds(devId)).containsExactly(pending);
        assertThat(dm.state(op)).isEqualTo("Queued");

        // the device's long poll gets the session at once
        Resp polled = dm.poll(devId, 30).get(5, TimeUnit.SECONDS);
        assertThat(polled.json().path("sessionList").path("session").findValuesAsText("sessionId"))
                .containsExactly(pending);

        // the same from a browser on /alert: accepted, still pending
        Resp alert = dm.raw("POST", "/alert", dm.deviceToken(devId), "application/json", BROWSER_ACCEPT, FAULT);
        assertThat(alert.status()).as(alert.body()).isEqualTo(202);
        assertThat(dm.pendingIds(devId)).containsExactly(pending);
    }

    @Test
    void aBrowserThatAlsoNamesTheCommandsTypeIsTheBrowserComponent() {
        String devId = DmHttp.newDevId();
        dm.retrieve(devId, "", "./DevDetail");
        Resp r = dm.raw("POST", "/sessions/next", dm.deviceToken(devId), null, "text/html, " + COMMANDS, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith(COMMANDS);
        assertThat(dm.pendingIds(devId)).isEmpty();
    }

    @Test
    void anythingElseInAcceptGetsJson() {
        for (String accept : new String[] {"*/*", "application/json"}) {
            String devId = DmHttp.newDevId();
            dm.retrieve(devId, "", "./DevDetail");
            Resp r = dm.raw("POST", "/sessions/next", dm.deviceToken(devId), null, accept, null);
            assertThat(r.status()).as(accept + ": " + r.body()).isEqualTo(200);
            assertThat(r.contentType()).as(accept).startsWith("application/json");
            assertThat(r.json().path("session").path("cmd")).isNotEmpty();
        }
    }
}
