package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.http.DmHttp.Resp;

/**
 * The session rules of dm-api.md 2.1 as a device sees them over HTTP: one pending and one started
 * session, binding in acceptance order, separate sessions per {@code uiMode}, the checks of a report
 * in their order (each refusal recording nothing), abort under both spellings, the completed list's
 * paging.
 */
class SessionRulesHttpTest {
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
    void atMostOnePendingAndOneStartedAndLaterWorkWaitsForTheNextSession() {
        String devId = DmHttp.newDevId();
        String op1 = dm.retrieve(devId, "", "./A", "./B");
        String op2 = dm.retrieve(devId, "", "./C");
        List<String> pending = dm.pendingIds(devId);
        assertThat(pending).hasSize(1);

        // starting binds every deliverable command, in the order the operations were accepted
        JsonNode first = dm.next(devId);
        assertThat(first.path("sessionId").asText()).isEqualTo(pending.get(0));
        assertThat(DmHttp.uris(first)).containsExactly("./A", "./B", "./C");
        assertThat(DmHttp.ops(first)).containsExactly("GET", "GET", "GET", "END");
        assertThat(first.path("cmd").findValuesAsText("cmdId")).doesNotHaveDuplicates();
        assertThat(dm.pendingIds(devId)).isEmpty();

        // work accepted while a session is started waits for the next one
        String op3 = dm.retrieve(devId, "", "./D");
        List<String> second = dm.pendingIds(devId);
        assertThat(second).hasSize(1).doesNotContain(first.path("sessionId").asText());
        assertThat(dm.state(op3)).isEqualTo("Queued");

        // POST /sessions/next while the package is unreported: the same package, nothing else started
        Resp again = dm.dm(devId, "POST", "/sessions/next", null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("session")).isEqualTo(first);
        assertThat(dm.pendingIds(devId)).isEqualTo(second);
        // the second session cannot start while the first is started
        dm.dm(devId, "POST", "/sessions/id/" + second.get(0), null).isError(409, "SVC2007");

        assertThat(dm.report(devId, first, 200).status()).isEqualTo(204);
        assertThat(dm.state(op1)).isEqualTo("Succeeded");
        assertThat(dm.state(op2)).isEqualTo("Succeeded");
        JsonNode next = dm.next(devId);
        assertThat(next.path("sessionId").asText()).isEqualTo(second.get(0));
        assertThat(DmHttp.uris(next)).containsExactly("./D");
        dm.runToEnd(devId, next);
        assertThat(dm.state(op3)).isEqualTo("Succeeded");
        assertThat(dm.completed(devId, "").path("session").findValuesAsText("sessionId"))
                .containsExactly(second.get(0), first.path("sessionId").asText());
    }

    @Test
    void anotherUiModeGoesToASeparateSession() {
        String devId = DmHttp.newDevId();
        String background1 = dm.retrieve(devId, "", "./A");
        String informative = dm.retrieve(devId, "\"uiMode\":\"informative\"", "./B");
        String background2 = dm.retrieve(devId, "", "./C");
        assertThat(dm.operation(informative).path("uiMode").asText()).isEqualTo("informative");
        assertThat(dm.pendingIds(devId)).hasSize(1);

        JsonNode first = dm.next(devId);
        assertThat(first.path("uiMode").asText()).isEqualTo("background");
        assertThat(DmHttp.uris(first)).containsExactly("./A", "./C");
        assertThat(dm.state(informative)).isEqualTo("Queued");
        // the informative work got its own pending session
        Resp pending = dm.dm(devId, "GET", "/sessions/pending", null);
        JsonNode listed = pending.json().path("sessionList").path("session");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("uiMode").asText()).isEqualTo("informative");
        assertThat(listed.get(0).path("result").asText()).isEqualTo("Pending");

        dm.runToEnd(devId, first);
        JsonNode second = dm.next(devId);
        assertThat(second.path("sessionId").asText()).isEqualTo(listed.get(0).path("sessionId").asText());
        assertThat(second.path("uiMode").asText()).isEqualTo("informative");
        assertThat(DmHttp.uris(second)).containsExactly("./B");
        dm.runToEnd(devId, second);
        assertThat(List.of(dm.state(background1), dm.state(informative), dm.state(background2)))
                .containsOnly("Succeeded");
    }

    @Test
    void aReportIsCheckedInOrderAndARefusedOneRecordsNothing() {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./A", "./B");
        JsonNode pkg = dm.next(devId);
        String path = "/sessions/id/" + pkg.path("sessionId").asText();
        String c1 = pkg.path("cmd").get(0).path("cmdId").asText();
        String c2 = pkg.path("cmd").get(1).path("cmdId").asText();

        // a status for a cmdId not in the package: 409 SVC2007 (before the missing one is noticed)
        dm.dm(devId, "PUT", path, "{\"sessionReport\":{\"status\":[{\"cmdId\":\"" + c1
                + "\",\"sc\":200},{\"cmdId\":\"no-such-cmd\",\"sc\":200}]}}").isError(409, "SVC2007");
        // a command without a status: 400 SVC2006
        Resp missing = dm.dm(devId, "PUT", path, "{\"sessionReport\":{\"status\":[{\"cmdId\":\"" + c1
                + "\",\"sc\":200}]}}").isError(400, "SVC2006");
        assertThat(missing.error().path("variables").toString()).contains("status");
        assertThat(dm.state(op)).isEqualTo("Delivered");
        assertThat(dm.completed(devId, "").path("session")).isEmpty();

        String good = "{\"sessionReport\":{\"status\":[{\"cmdId\":\"" + c1 + "\",\"sc\":200,\"results\":[{\"uri\":"
                + "\"./A\",\"format\":\"chr\",\"value\":\"a\"}]},{\"cmdId\":\"" + c2 + "\",\"sc\":404}]}}";
        Resp end = dm.dm(devId, "PUT", path, good);
        assertThat(end.status()).as(end.body()).isEqualTo(204);
        JsonNode done = dm.operation(op);
        assertThat(done.path("state").asText()).isEqualTo("Failed"); // a 404 for ./B
        assertThat(dm.completed(devId, "").path("session").get(0).path("result").asText()).isEqualTo("Failure");

        // the identical report again: the identical answer; a different one: 409, nothing changes
        Resp retry = dm.dm(devId, "PUT", path, good);
        assertThat(retry.status()).isEqualTo(end.status());
        assertThat(retry.body()).isEqualTo(end.body());
        String different = good.replace("\"sc\":404", "\"sc\":200");
        dm.dm(devId, "PUT", path, different).isError(409, "SVC2007");
        assertThat(dm.operation(op)).isEqualTo(done);
    }

    @Test
    void aReportForAnotherDevicesPackageIsUnknown() {
        String devId = DmHttp.newDevId();
        dm.retrieve(devId, "", "./A");
        JsonNode pkg = dm.next(devId);
        String other = DmHttp.newDevId();
        Resp r = dm.dm(other, "PUT", "/sessions/id/" + pkg.path("sessionId").asText(), DmHttp.report(pkg, 200))
                .isError(404, "SVC2008");
        assertThat(r.body()).doesNotContain(devId);
        dm.dm(other, "DELETE", "/sessions/id/" + pkg.path("sessionId").asText(), null).isError(404, "SVC2008");
        dm.dm(other, "POST", "/sessions/id/" + pkg.path("sessionId").asText(), null).isError(404, "SVC2008");
        // still the device's, still started
        assertThat(dm.next(devId)).isEqualTo(pkg);
    }

    @Test
    void abortUnderEitherSpellingEndsTheSessionAbortedAndItsOperationsFailed() {
        for (String spelling : new String[] {"/sessions/id/", "/session/id/"}) {
            String devId = DmHttp.newDevId();
            String op = dm.retrieve(devId, "", "./A");
            String pendingId = dm.pendingIds(devId).get(0);
            // a pending session is not started: nothing to abort
            dm.dm(devId, "DELETE", spelling + pendingId, null).isError(409, "SVC2007");

            JsonNode pkg = dm.next(devId);
            Resp aborted = dm.dm(devId, "DELETE", spelling + pkg.path("sessionId").asText(), null);
            assertThat(aborted.status()).as(spelling + aborted.body()).isEqualTo(204);
            JsonNode failed = dm.operation(op);
            assertThat(failed.path("state").asText()).as(spelling).isEqualTo("Failed");
            assertThat(failed.path("resultText").asText()).contains("aborted");
            JsonNode listed = dm.completed(devId, "").path("session");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("result").asText()).isEqualTo("Aborted");
            assertThat(dm.next(devId)).isNull();
            // its report now comes too late
            dm.report(devId, pkg, 200).isError(409, "SVC2007");
            assertThat(dm.state(op)).isEqualTo("Failed");
        }
    }

    @Test
    void theCompletedListPagesNewestFirst() {
        String devId = DmHttp.newDevId();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dm.retrieve(devId, "", "./N" + i);
            JsonNode pkg = dm.next(devId);
            ids.add(0, pkg.path("sessionId").asText());
            dm.runToEnd(devId, pkg);
        }
        JsonNode page1 = dm.completed(devId, "?limit=2");
        assertThat(page1.path("session").findValuesAsText("sessionId")).containsExactly(ids.get(0), ids.get(1));
        String token = page1.path("nextPageToken").asText();
        assertThat(token).isNotEmpty();
        JsonNode page2 = dm.completed(devId, "?limit=2&pageToken=" + token);
        assertThat(page2.path("session").findValuesAsText("sessionId")).containsExactly(ids.get(2));
        assertThat(page2.has("nextPageToken")).isFalse();
        assertThat(dm.completed(devId, "").path("session")).hasSize(3);
        assertThat(dm.completed(devId, "").has("nextPageToken")).isFalse();
        for (JsonNode s : dm.completed(devId, "").path("session")) {
            assertThat(s.path("result").asText()).isEqualTo("OK");
            assertThat(s.path("createdTime").asText()).endsWith("Z");
            assertThat(s.path("endTime").asText()).endsWith("Z");
        }
        dm.dm(devId, "GET", "/sessions/completed?limit=0", null).isError(400, "SVC0002");
        dm.dm(devId, "GET", "/sessions/completed?limit=501", null).isError(400, "SVC0002");
        dm.dm(devId, "GET", "/sessions/completed?pageToken=abc", null).isError(400, "SVC0002");
    }
}
