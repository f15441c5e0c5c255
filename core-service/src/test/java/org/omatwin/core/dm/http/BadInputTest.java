package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.http.DmHttp.COMMANDS;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.http.DmHttp.Resp;

/**
 * Every bad request to the device surface is answered with the contract's {@code requestError}
 * (dm-api.md sections 2 and 9, twinning-api.md section 4) and changes nothing: the device's started
 * session, its package and its operation are the same afterwards.
 */
class BadInputTest {
    private static DmHttp dm;

    @BeforeAll
    static void start() throws Exception {
        dm = DmHttp.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        dm.close();
    }

    /** A device with a started session: its package. */
    private static JsonNode started(String devId) {
        dm.retrieve(devId, "", "./DevDetail");
        return dm.next(devId);
    }

    private static void unchanged(String devId, JsonNode pkg) {
        assertThat(dm.next(devId)).isEqualTo(pkg);
        assertThat(dm.completed(devId, "").path("session")).isEmpty();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBadReportIsRefusedAndRecordsNothing() {
        String devId = DmHttp.newDevId();
        JsonNode pkg = started(devId);
        String path = "/sessions/id/" + pkg.path("sessionId").asText();
        String cmdId = pkg.path("cmd").get(0).path("cmdId").asText();
        String token = dm.deviceToken(devId);

        dm.raw("PUT", path, token, COMMANDS, null, utf8("{\"sessionReport\":{\"status\":[")).isError(400, "SVC0002");
        dm.raw("PUT", path, token, COMMANDS, null, utf8("[]")).isError(400, "SVC0002");
        dm.raw("PUT", path, token, COMMANDS, null, utf8("{\"sessionReport\":{\"status\":[{\"cmdId\":\"" + cmdId
                + "\",\"sc\":\"200\"}]}}")).isError(400, "SVC0002");
        Resp unknown = dm.raw("PUT", path, token, COMMANDS, null, utf8("{\"sessionReport\":{\"status\":[{\"cmdId\":\""
                + cmdId + "\",\"sc\":200,\"colour\":\"red\"}]}}")).isError(400, "SVC2005");
        assertThat(unknown.error().path("variables").toString()).contains("colour");
        Resp unknownRoot = dm.raw("PUT", path, token, COMMANDS, null, utf8("{\"report\":{}}")).isError(400, "SVC2005");
        assertThat(unknownRoot.error().path("variables").toString()).contains("report");
        dm.raw("PUT", path, token, COMMANDS, null, new byte[0]).isError(400, "SVC2006");

        // 2 MiB: 413, whatever its content
        byte[] big = new byte[2 << 20];
        Arrays.fill(big, (byte) ' ');
        byte[] head = utf8(DmHttp.report(pkg, 200));
        System.arraycopy(head, 0, big, 0, head.length);
        dm.raw("PUT", path, token, COMMANDS, null, big).isError(413, "SVC0002");

        // the media type: only the commands type and JSON, in UTF-8
        String good = DmHttp.report(pkg, 200);
        dm.raw("PUT", path, token, "text/plain", null, utf8(good)).isError(415, "SVC0002");
        dm.raw("PUT", path, token, null, null, utf8(good)).isError(415, "SVC0002");
        dm.raw("PUT", path, token, "application/json; charset=iso-8859-1", null, utf8(good)).isError(415, "SVC0002");

        unchanged(devId, pkg);
        // application/json is accepted
        assertThat(dm.raw("PUT", path, token, "application/json", null, utf8(good)).status()).isEqualTo(204);
    }

    @Test
    void aSessionStartForAnotherDeviceIsRefused403AndStoresNothing() {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./DevDetail");
        String pending = dm.pendingIds(devId).get(0);
        String other = DmHttp.newDevId();
        String start = "{\"sessionStart\":{\"devInfo\":{\"devId\":\"" + other + "\",\"man\":\"Evil\"}}}";
        Resp r = dm.dm(devId, "POST", "/sessions/next", start).isError(403, "POL2003");
        assertThat(r.json().path("requestError").has("policyException")).isTrue();
        dm.dm(devId, "POST", "/sessions/id/" + pending, start).isError(403, "POL2003");
        assertThat(dm.pendingIds(devId)).containsExactly(pending);
        assertThat(dm.state(op)).isEqualTo("Queued");
        // nothing of it was stored: neither device is known to DMWSI
        assertThat(dm.dmwsi("GET", "/devices/" + devId, null, "oma_dmwsi.read").status()).isEqualTo(404);
        assertThat(dm.dmwsi("GET", "/devices/" + other, null, "oma_dmwsi.read").status()).isEqualTo(404);

        Resp unknownElement = dm.dm(devId, "POST", "/sessions/next",
                "{\"sessionStart\":{\"devInfo\":{\"imei\":\"1\"}}}").isError(400, "SVC2005");
        assertThat(unknownElement.error().path("variables").toString()).contains("sessionStart.devInfo.imei");
        dm.dm(devId, "POST", "/sessions/next", "{\"sessionStart\":{\"supportedMOs\":\"x\"}}").isError(400, "SVC0002");
        assertThat(dm.pendingIds(devId)).containsExactly(pending);
    }

    @Test
    void withoutAProperDeviceTokenNothingIsServed() {
        String devId = DmHttp.newDevId();
        JsonNode pkg = started(devId);
        String report = DmHttp.report(pkg, 200);
        String path = "/sessions/id/" + pkg.path("sessionId").asText();

        Resp none = dm.raw("PUT", path, null, COMMANDS, null, utf8(report)).isError(401, "SVC2003");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        dm.raw("GET", "/sessions/pending", "not-a-jwt", null, null, null).isError(401, "SVC2003");
        // a twinning token: its subject is a line, not a devId
        String twinning = dm.issuer.token("tel:+447700900123", "oma_rest_twinning.all_v1");
        dm.raw("PUT", path, twinning, COMMANDS, null, utf8(report)).isError(401, "SVC2003");
        dm.raw("GET", "/sessions/pending", twinning, null, null, null).isError(401, "SVC2003");
        // the device's own id but another scope
        for (String scope : new String[] {"oma_dmwsi.read", "oma_dm.account", "oma_rest_twinning.all_v1"}) {
            Resp wrongScope = dm.raw("PUT", path, dm.issuer.token(devId, scope), COMMANDS, null, utf8(report))
                    .isError(403, "POL2003");
            assertThat(wrongScope.header("WWW-Authenticate")).contains("insufficient_scope");
        }
        dm.raw("POST", "/alert", dm.issuer.token(devId, "oma_dmwsi.operate"), COMMANDS, null,
                utf8("{\"alert\":{\"type\":\"urn:oma:dm:alert:fault\"}}")).isError(403, "POL2003");
        unchanged(devId, pkg);
    }

    @Test
    void unknownPathsWrongMethodsAndUnknownQueryParameters() {
        String devId = DmHttp.newDevId();
        String token = dm.deviceToken(devId);
        dm.raw("GET", "/sessions/nothing", token, null, null, null).isError(404, "SVC2008");
        // /devices is the DM account's (section 3): a device token is refused there, never answered
        dm.raw("GET", "/devices", token, null, null, null).isError(401, "SVC2003");
        dm.raw("GET", "/sessions/id/a/b", token, null, null, null).isError(404, "SVC2008");

        record Wrong(String method, String path, String allow) {}
        for (Wrong w : new Wrong[] {
                new Wrong("POST", "/sessions/pending", "GET"),
                new Wrong("DELETE", "/sessions/completed", "GET"),
                new Wrong("GET", "/sessions/next", "POST"),
                new Wrong("GET", "/sessions/id/s-1", "DELETE, POST, PUT"),
                new Wrong("PUT", "/session/id/s-1", "DELETE"),
                new Wrong("GET", "/alert", "POST"),
                new Wrong("DELETE", "/data/d-1", "GET, POST, PUT")}) {
            Resp r = dm.raw(w.method(), w.path(), token, null, null, null).isError(405, "SVC0002");
            assertThat(r.header("Allow")).as(w.method() + " " + w.path()).isEqualTo(w.allow());
        }

        Resp q = dm.raw("GET", "/sessions/pending?colour=red", token, null, null, null).isError(400, "SVC2005");
        assertThat(q.error().path("variables").toString()).contains("colour");
        dm.raw("POST", "/sessions/next?force=true", token, null, null, null).isError(400, "SVC2005");
        dm.raw("GET", "/sessions/pending?wait=61", token, null, null, null).isError(400, "SVC0002");
        dm.raw("GET", "/sessions/pending?wait=-1", token, null, null, null).isError(400, "SVC0002");
        dm.raw("GET", "/sessions/pending?wait=abc", token, null, null, null).isError(400, "SVC0002");
        dm.raw("GET", "/sessions/pending?wait=1&wait=2", token, null, null, null).isError(400, "SVC0002");
        dm.raw("GET", "/sessions/pending", token, COMMANDS, null, utf8("{}")).isError(400, "SVC2005");
        // the edges of wait are fine
        assertThat(dm.raw("GET", "/sessions/pending?wait=0", token, null, null, null).status()).isEqualTo(200);
    }

    @Test
    void aBadAlertIsRefusedAndNotStored() {
        String devId = DmHttp.newDevId();
        String token = dm.deviceToken(devId);
        dm.raw("POST", "/alert", token, COMMANDS, null, utf8("{\"alert\":")).isError(400, "SVC0002");
        dm.raw("POST", "/alert", token, COMMANDS, null, utf8("{\"alert\":{}}")).isError(400, "SVC2006");
        dm.raw("POST", "/alert", token, COMMANDS, null, utf8("{\"alert\":{\"type\":\"t\",\"mark\":\"loud\"}}"))
                .isError(400, "SVC0002");
        dm.raw("POST", "/alert", token, COMMANDS, null,
                utf8("{\"alert\":{\"type\":\"t\",\"eventTime\":\"yesterday\"}}")).isError(400, "SVC0002");
        Resp unknown = dm.raw("POST", "/alert", token, COMMANDS, null,
                utf8("{\"alert\":{\"type\":\"t\",\"severity\":1}}")).isError(400, "SVC2005");
        assertThat(unknown.error().path("variables").toString()).contains("alert.severity");
        dm.raw("POST", "/alert", token, "text/plain", null, utf8("{\"alert\":{\"type\":\"t\"}}"))
                .isError(415, "SVC0002");
        assertThat(dm.core.database().dsl().fetchCount(org.jooq.impl.DSL.table("dm_alert"),
                org.jooq.impl.DSL.field("dev_id").eq(devId))).isZero();
    }

    @Test
    void pathsBeyondTheDeviceSurfaceAreAnsweredWithARequestErrorToo() {
        String token = dm.deviceToken(DmHttp.newDevId());
        String root = "https://localhost:" + dm.core.dmPort();
        dm.raw("GET", root + "/", token, null, null, null).isError(404, "SVC2008");
        dm.raw("GET", root + "/dm/v3/sessions/pending", token, null, null, null).isError(404, "SVC2008");
        dm.raw("POST", root + "/dm/v1/alert", token, null, null, null).isError(404, "SVC2008");
        dm.raw("GET", root + "/dm/v2/", token, null, null, null).isError(404, "SVC2008");
    }
}
