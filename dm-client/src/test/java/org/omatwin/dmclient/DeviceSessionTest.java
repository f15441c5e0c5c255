package org.omatwin.dmclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.dmclient.TestDmServer.Answer;

/** The device against a scripted HTTPS server: what the client sends, over real sockets and TLS. */
class DeviceSessionTest {

    private static final String DEV_ID = "urn:imei:356938035643809";
    private static final String TOKEN = "token-for-tests";

    @TempDir
    Path dir;
    private TestDmServer server;
    private final List<String> shown = new CopyOnWriteArrayList<>();
    private final List<DeviceListener.SessionOutcome> ended = new CopyOnWriteArrayList<>();
    private final DeviceListener listener = new DeviceListener() {
        @Override
        public void show(String url) {
            shown.add(url);
        }

        @Override
        public void shown(String url, String text) {
            shown.add(text);
        }

        @Override
        public void sessionEnded(SessionOutcome outcome) {
            ended.add(outcome);
        }
    };

    @BeforeEach
    void start() throws Exception {
        server = new TestDmServer(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DmClient client(TlsTrust trust) {
        DmClient client = new DmClient(URI.create(server.base()), TokenSource.fixed(TOKEN), DmClient.httpClient(trust, null));
        client.retryBaseDelay(Duration.ofMillis(20));
        return client;
    }

    private static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(DmClient.sha256().digest(bytes));
    }

    private static JsonNode json(byte[] body) throws Exception {
        return Wire.JSON.readTree(body);
    }

    @Test
    void serverInitiatedSessionRunsEveryCommandReportsAndSendsTheResultAlert() throws Exception {
        byte[] apn = "internet.operator".getBytes(StandardCharsets.UTF_8);
        byte[] firmware = new byte[200_000];
        new java.util.Random(7).nextBytes(firmware);
        String o = server.origin();
        server.on("GET /dm/v2/sessions/pending?wait=1", Answer.json(200,
                        "{\"sessionList\":{\"session\":[{\"sessionId\":\"s-1\",\"result\":\"Pending\"}]}}"))
                .on("POST /dm/v2/sessions/id/s-1", Answer.json(200, """
                        {"session":{"sessionId":"s-1","uiMode":"background","customerCare":false,"cmd":[
                          {"cmdId":"1","op":"GET","uri":"./DevDetail"},
                          {"cmdId":"2","op":"HGET","uri":"./Settings/APN/1/Name","url":"%1$s/dm/v2/data/d-1","sha256":"%2$s"},
                          {"cmdId":"3","op":"HGET","uri":"./Settings/Other","url":"%1$s/dm/v2/data/d-2","sha256":"%2$s"},
                          {"cmdId":"4","op":"HPUT","uri":"./DevDetail/FwV","url":"%1$s/dm/v2/data/u-1"},
                          {"cmdId":"5","op":"EXEC","uri":"./FUMO/1/DownloadAndUpdate","correlator":"c-4kT","data":{"version":"2.0.0"},
                           "package":{"url":"%1$s/dm/v2/packages/p-1/content","sha256":"%3$s","size":%4$d}},
                          {"cmdId":"6","op":"SUB","uri":"./DevDetail/FwV"},
                          {"cmdId":"7","op":"SHOW","url":"%1$s/dm/v2/ui/code"},
                          {"cmdId":"8","op":"FROB","uri":"./DevInfo"},
                          {"cmdId":"9","op":"HGET","uri":"./Leak","url":"https://elsewhere.example/x"},
                          {"cmdId":"10","op":"END"}]}}""".formatted(o, sha256Hex(apn), sha256Hex(firmware), firmware.length)))
                .on("GET /dm/v2/data/d-1", new Answer(200, "text/plain", apn))
                .on("GET /dm/v2/data/d-2", new Answer(200, "text/plain", "tampered".getBytes(StandardCharsets.UTF_8)))
                .on("PUT /dm/v2/data/u-1", Answer.empty(204))
                .on("GET /dm/v2/ui/code", new Answer(200, "text/html", ("<!DOCTYPE html><html><head><title>t</title>"
                        + "</head><body><p>Enter this code:</p>\n<p><strong>482913</strong></p></body></html>")
                        .getBytes(StandardCharsets.UTF_8)))
                .on("GET /dm/v2/packages/p-1/content", new Answer(200, "application/octet-stream", firmware))
                // the first answer to the report is lost; the resent report gets the next package
                .on("PUT /dm/v2/sessions/id/s-1", r -> Answer.DROP, r -> Answer.json(200, """
                        {"session":{"sessionId":"s-2","cmd":[{"cmdId":"1","op":"DELETE","uri":"./Settings/Other"},
                          {"cmdId":"2","op":"DELETE","uri":"./Settings/APN/1/Name"},{"cmdId":"3","op":"END"}]}}"""))
                .on("PUT /dm/v2/sessions/id/s-2", Answer.empty(204))
                .on("POST /dm/v2/alert", Answer.empty(202));

        Path treeFile = dir.resolve("device/tree.json");
        ManagementTree tree = ManagementTree.openOrCreate(treeFile, DeviceProfile.defaults(DEV_ID));
        DeviceAgent agent = new DeviceAgent(tree, client(TlsTrust.pinnedSha256(server.fingerprint())),
                new UpdateBehaviour(), listener);

        Optional<DeviceListener.SessionOutcome> outcome = agent.pollAndRun(1).get(20, TimeUnit.SECONDS);

        assertThat(outcome).hasValueSatisfying(s -> {
            assertThat(s.sessionId()).isEqualTo("s-1");
            assertThat(s.packages()).isEqualTo(2);
            assertThat(s.ok()).isFalse();
        });
        // Package#1 names the device
        JsonNode start = json(server.requests("POST", "/dm/v2/sessions/id/s-1").get(0).body());
        assertThat(start.at("/sessionStart/devInfo/devId").asText()).isEqualTo(DEV_ID);
        assertThat(start.at("/sessionStart/supportedMOs").toString()).contains("urn:oma:mo:oma-fumo:1.0");

        // the report, resent byte for byte after the lost answer
        List<TestDmServer.Request> reports = server.requests("PUT", "/dm/v2/sessions/id/s-1");
        assertThat(reports).hasSize(2);
        assertThat(reports.get(1).body()).isEqualTo(reports.get(0).body());
        assertThat(reports.get(0).contentType()).isEqualTo(Wire.MEDIA_TYPE);
        JsonNode status = json(reports.get(0).body()).at("/sessionReport/status");
        assertThat(status).hasSize(9); // every command but END
        assertThat(status.findValuesAsText("cmdId")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(status.findValues("sc")).extracting(JsonNode::asInt)
                .containsExactly(200, 200, 500, 200, 202, 200, 200, 406, 403);
        JsonNode results = status.get(0).get("results");
        assertThat(results.findValuesAsText("uri")).contains("./DevDetail/FwV", "./DevDetail/DevTyp");
        assertThat(results.toString()).contains("{\"uri\":\"./DevDetail/FwV\",\"format\":\"chr\",\"value\":\"1.0.0\"}");

        JsonNode second = json(server.requests("PUT", "/dm/v2/sessions/id/s-2").get(0).body()).at("/sessionReport/status");
        assertThat(second.findValues("sc")).extracting(JsonNode::asInt).containsExactly(404, 200);

        // HPUT sent the node's value; SHOW opened the server's page (the browser component) and showed its
        // text; no request left for the other origin
        assertThat(server.requests("PUT", "/dm/v2/data/u-1")).singleElement()
                .satisfies(r -> assertThat(r.text()).isEqualTo("1.0.0"));
        assertThat(shown).containsExactly(o + "/dm/v2/ui/code", "Enter this code: 482913");

        // the FUMO result alert, then the node-changed alert for the subscribed FwV the update changed
        List<TestDmServer.Request> alerts = server.requests("POST", "/dm/v2/alert");
        assertThat(alerts).hasSize(2);
        JsonNode fumo = json(alerts.get(0).body()).get("alert");
        assertThat(fumo.get("type").asText()).isEqualTo("org.openmobilealliance.dm.firmwareupdate.downloadandupdate");
        assertThat(fumo.get("correlator").asText()).isEqualTo("c-4kT");
        assertThat(fumo.get("resultCode").asInt()).isEqualTo(200);
        assertThat(fumo.get("alertId").asText()).isNotBlank();
        assertThat(fumo.get("eventTime").asText()).endsWith("Z");
        JsonNode changed = json(alerts.get(1).body()).get("alert");
        assertThat(changed.get("type").asText()).isEqualTo(DeviceAgent.NODE_CHANGED_ALERT);
        assertThat(changed.get("uri").asText()).isEqualTo("./DevDetail/FwV");
        assertThat(changed.at("/data/value").asText()).isEqualTo("2.0.0");

        // every request carried the bearer token and asked for commands
        assertThat(server.requests).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
        assertThat(server.requests("GET", "/dm/v2/sessions/pending?wait=1").get(0).accept()).isEqualTo(Wire.MEDIA_TYPE);

        // the tree changed and was persisted
        assertThat(tree.value("./DevDetail/FwV")).contains("2.0.0");
        assertThat(tree.value("./FUMO/1/State")).contains("100");
        ManagementTree reloaded = ManagementTree.load(treeFile);
        assertThat(reloaded.value("./DevDetail/FwV")).contains("2.0.0");
        assertThat(reloaded.exists("./Settings/APN/1/Name")).isFalse();
        assertThat(reloaded.exists("./Settings/APN/1")).isTrue();
        assertThat(reloaded.subscriptions()).containsExactly("./DevDetail/FwV");
        assertThat(ended).hasSize(1);
    }

    @Test
    void failedUpdatesReportTheirResultCodes() throws Exception {
        byte[] firmware = "firmware-2".getBytes(StandardCharsets.UTF_8);
        byte[] app = "app-1".getBytes(StandardCharsets.UTF_8);
        String o = server.origin();
        server.on("POST /dm/v2/sessions/next", Answer.json(200, """
                        {"session":{"sessionId":"s-9","cmd":[
                          {"cmdId":"1","op":"EXEC","uri":"./FUMO/1/DownloadAndUpdate","correlator":"c-fw",
                           "package":{"url":"%1$s/dm/v2/packages/p-fw/content","sha256":"%2$s"}},
                          {"cmdId":"2","op":"HGET","uri":"./SCOMO/Download/app/PkgID","url":"%1$s/dm/v2/data/d-id"},
                          {"cmdId":"3","op":"EXEC","uri":"./SCOMO/Download/app/Operations/DownloadInstall","correlator":"c-sw",
                           "package":{"url":"%1$s/dm/v2/packages/p-app/content","sha256":"%2$s"}},
                          {"cmdId":"4","op":"EXEC","uri":"./DiagMon/1/Operations/Start"},
                          {"cmdId":"5","op":"EXEC","uri":"./FUMO/2/Update"},
                          {"cmdId":"6","op":"EXEC","uri":"./DevInfo/Man"},
                          {"cmdId":"7","op":"END"}]}}""".formatted(o, sha256Hex(firmware))))
                .on("GET /dm/v2/packages/p-fw/content", new Answer(200, "application/octet-stream", firmware))
                .on("GET /dm/v2/packages/p-app/content", new Answer(200, "application/octet-stream", app))
                .on("GET /dm/v2/data/d-id", new Answer(200, "application/json", "{\"format\":\"chr\",\"value\":\"com.example.app\"}".getBytes(StandardCharsets.UTF_8)))
                .on("PUT /dm/v2/sessions/id/s-9", Answer.empty(204))
                .on("POST /dm/v2/alert", Answer.empty(202));
        ManagementTree tree = ManagementTree.inMemory(DeviceProfile.defaults(DEV_ID));
        // the subscription exists, but the version does not change on a failed update: no node-changed alert
        tree.subscribe("./DevDetail/FwV");
        DeviceAgent agent = new DeviceAgent(tree, client(TlsTrust.pinnedSha256(server.fingerprint())),
                new UpdateBehaviour().failNextUpdate(410), listener);

        assertThat(agent.clientInitiated().get(20, TimeUnit.SECONDS)).isPresent();

        JsonNode status = json(server.requests("PUT", "/dm/v2/sessions/id/s-9").get(0).body()).at("/sessionReport/status");
        assertThat(status.findValues("sc")).extracting(JsonNode::asInt).containsExactly(202, 200, 202, 200, 404, 405);
        List<JsonNode> alerts = server.requests("POST", "/dm/v2/alert").stream().map(r -> {
            try {
                return json(r.body()).get("alert");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).get("correlator").asText()).isEqualTo("c-fw");
        assertThat(alerts.get(0).get("resultCode").asInt()).isEqualTo(410); // --fail-update 410
        assertThat(alerts.get(0).get("mark").asText()).isEqualTo("critical");
        assertThat(alerts.get(1).get("type").asText()).isEqualTo(ExecActions.SCOMO_ALERT);
        assertThat(alerts.get(1).get("correlator").asText()).isEqualTo("c-sw");
        assertThat(alerts.get(1).get("resultCode").asInt()).isEqualTo(1407); // SHA-256 mismatch: failed validation
        assertThat(tree.value("./FUMO/1/State")).contains("80");
        assertThat(tree.value("./DevDetail/FwV")).contains("1.0.0");
        assertThat(tree.value("./DiagMon/1/Status")).contains("running");
        assertThat(tree.value("./SCOMO/Download/app/PkgID")).contains("com.example.app");
    }

    @Test
    void aWrongFingerprintPinIsRefusedBeforeAnyRequest() {
        DmClient pinnedElsewhere = client(TlsTrust.pinnedSha256("00".repeat(32)));
        assertThatThrownBy(() -> pinnedElsewhere.pending(0).get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .hasStackTraceContaining("does not match the pinned")
                .satisfies(e -> assertThat(DmException.unwrap(e)).isInstanceOf(SSLHandshakeException.class));
        // and the JDK's default trust store does not know a self-signed certificate either
        assertThatThrownBy(() -> client(TlsTrust.jdkDefault()).pending(0).get(10, TimeUnit.SECONDS))
                .satisfies(e -> assertThat(DmException.unwrap(e)).isInstanceOf(SSLHandshakeException.class));
        assertThat(server.requests).isEmpty();
    }

    @Test
    void trustsTheServerCertificateFileWithHostnameCheck() throws Exception {
        Path pem = dir.resolve("server.pem");
        Files.writeString(pem, server.certificatePem());
        server.on("GET /dm/v2/sessions/completed", Answer.json(200,
                        "{\"sessionList\":{\"session\":[{\"sessionId\":\"s-1\",\"result\":\"OK\",\"endTime\":\"2026-01-01T00:00:00Z\"}]}}"))
                .on("POST /dm/v2/sessions/next", Answer.empty(204));
        DmClient client = client(TlsTrust.certificateFile(pem));

        assertThat(client.completed().get(10, TimeUnit.SECONDS)).singleElement()
                .satisfies(s -> assertThat(s.result()).isEqualTo("OK"));
        assertThat(client.startNext(null).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(server.requests("POST", "/dm/v2/sessions/next").get(0).body()).isEmpty();
    }

    @Test
    void errorAnswersCarryTheMessageIdAndAlertsAreResentAfter429() throws Exception {
        server.on("PUT /dm/v2/sessions/id/s-5", Answer.json(409,
                        "{\"requestError\":{\"serviceException\":{\"messageId\":\"SVC2007\",\"text\":\"already reported\"}}}"))
                .on("POST /dm/v2/alert", r -> new Answer(429, "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                        r -> Answer.empty(202));
        DmClient client = client(TlsTrust.pinnedSha256(server.fingerprint()));

        assertThatThrownBy(() -> client.report("s-5", new Wire.SessionReport(List.of(Wire.Status.of("1", 200))))
                .get(10, TimeUnit.SECONDS))
                .satisfies(e -> {
                    DmException de = (DmException) DmException.unwrap(e);
                    assertThat(de.httpStatus()).isEqualTo(409);
                    assertThat(de.messageId()).isEqualTo("SVC2007");
                });
        assertThat(server.requests("PUT", "/dm/v2/sessions/id/s-5")).hasSize(1); // a 409 is not resent

        Wire.Alert alert = new Wire.Alert("a-1", "urn:oma:dm:alert:fault", "./DiagMon/1", null, null, "critical", null,
                "2026-01-01T00:00:00Z");
        assertThat(client.alert(alert, false).get(10, TimeUnit.SECONDS)).isEmpty();
        List<TestDmServer.Request> sent = server.requests("POST", "/dm/v2/alert");
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
        assertThat(sent.get(0).text()).contains("\"alertId\":\"a-1\"").doesNotContain("null");
    }
}
