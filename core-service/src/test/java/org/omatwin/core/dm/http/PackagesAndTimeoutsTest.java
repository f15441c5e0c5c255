package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.http.DmHttp.Resp;

/**
 * A core with two commands per package and a 10 s unreported-session timeout (the sweeper runs every
 * 5 s): a session of several packages (2.1), a started session left unreported ends Aborted with its
 * operation Failed, and an operation whose device never comes ends TimedOut (section 4).
 */
class PackagesAndTimeoutsTest {
    private static DmHttp dm;

    @BeforeAll
    static void start() throws Exception {
        dm = DmHttp.start(Map.of("TWIN_DM_COMMANDS_PER_PACKAGE", "2", "TWIN_DM_SESSION_TIMEOUT_SECONDS", "10"));
    }

    @AfterAll
    static void stop() throws Exception {
        dm.close();
    }

    @Test
    void fiveUrisTravelInThreePackagesEachUnderItsOwnIdAndTheSessionIsListedUnderTheFirst() {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./U1", "./U2", "./U3", "./U4", "./U5");
        JsonNode p1 = dm.next(devId);
        String sessionId = p1.path("sessionId").asText();
        assertThat(DmHttp.uris(p1)).containsExactly("./U1", "./U2");
        assertThat(DmHttp.ops(p1)).doesNotContain("END");

        Resp r1 = dm.report(devId, p1, 200);
        assertThat(r1.status()).as(r1.body()).isEqualTo(200);
        JsonNode p2 = r1.json().path("session");
        assertThat(p2.path("sessionId").asText()).isNotEqualTo(sessionId);
        assertThat(p2.path("resourceURL").asText()).endsWith("/sessions/id/" + p2.path("sessionId").asText());
        assertThat(DmHttp.uris(p2)).containsExactly("./U3", "./U4");
        assertThat(DmHttp.ops(p2)).doesNotContain("END");

        // the identical report of package 1 again: the identical answer (package 2); another: 409
        Resp retry = dm.report(devId, p1, 200);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(r1.body());
        dm.report(devId, p1, 500).isError(409, "SVC2007");
        // POST /sessions/next while package 2 is unreported: package 2
        assertThat(dm.next(devId)).isEqualTo(p2);
        assertThat(dm.state(op)).isEqualTo("Delivered");

        Resp r2 = dm.report(devId, p2, 200);
        assertThat(r2.status()).as(r2.body()).isEqualTo(200);
        JsonNode p3 = r2.json().path("session");
        assertThat(DmHttp.uris(p3)).containsExactly("./U5");
        assertThat(DmHttp.ops(p3)).containsExactly("GET", "END");
        // no session is listed under a later package's id
        assertThat(dm.pendingIds(devId)).isEmpty();

        assertThat(dm.report(devId, p3, 200).status()).isEqualTo(204);
        JsonNode done = dm.operation(op);
        assertThat(done.path("state").asText()).isEqualTo("Succeeded");
        assertThat(done.path("results").findValuesAsText("uri"))
                .containsExactly("./U1", "./U2", "./U3", "./U4", "./U5");
        JsonNode completed = dm.completed(devId, "").path("session");
        assertThat(completed.findValuesAsText("sessionId")).containsExactly(sessionId);
        assertThat(completed.get(0).path("result").asText()).isEqualTo("OK");
        // abort after the end: already gone
        assertThat(dm.dm(devId, "DELETE", "/sessions/id/" + sessionId, null).status()).isEqualTo(204);
        assertThat(dm.completed(devId, "").path("session").get(0).path("result").asText()).isEqualTo("OK");
    }

    @Test
    void aStartedSessionLeftUnreportedEndsAbortedAndItsOperationFailed() throws Exception {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./DevDetail");
        JsonNode pkg = dm.next(devId);
        JsonNode failed = dm.awaitFinal(op, Duration.ofSeconds(25));
        assertThat(failed.path("state").asText()).isEqualTo("Failed");
        assertThat(failed.path("resultText").asText()).contains("unreported");
        JsonNode listed = dm.completed(devId, "").path("session");
        assertThat(listed.findValuesAsText("sessionId")).containsExactly(pkg.path("sessionId").asText());
        assertThat(listed.get(0).path("result").asText()).isEqualTo("Aborted");
        // the late report changes nothing
        dm.report(devId, pkg, 200).isError(409, "SVC2007");
        assertThat(dm.state(op)).isEqualTo("Failed");
        assertThat(dm.next(devId)).isNull();
    }

    @Test
    void anOperationForADeviceThatNeverComesEndsTimedOut() throws Exception {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "\"timeoutSeconds\":2", "./DevDetail");
        assertThat(dm.pendingIds(devId)).hasSize(1);
        JsonNode ended = dm.awaitFinal(op, Duration.ofSeconds(15));
        assertThat(ended.path("state").asText()).isEqualTo("TimedOut");
        assertThat(ended.path("timeline").findValuesAsText("state")).containsExactly("Queued", "TimedOut");
        // nothing is left for the device
        assertThat(dm.pendingIds(devId)).isEmpty();
        assertThat(dm.next(devId)).isNull();
    }
}
