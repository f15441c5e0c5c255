package org.omatwin.core.dm.e2e;

import org.omatwin.core.dm.DmTestCores;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.dmclient.DeviceListener.SessionOutcome;
import org.omatwin.dmclient.Wire;
import org.omatwin.testsupport.LocalIssuer;

/**
 * The flows of seed 004 x.2 that the device starts, run by the project's reference DM client over TLS
 * pinned to the core's certificate: client-initiated on its own event (with work queued, a session of
 * several packages: the core cuts two commands per package), and browser-component-initiated through
 * {@code POST /alert} asking for commands. The server-initiated flow is in
 * {@link DeviceManagementEndToEndTest}.
 */
class ReferenceClientFlowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;
    private static ExecutorService executor;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dm-e2e-flows"),
                Map.of("TWIN_DM_COMMANDS_PER_PACKAGE", "2")));
        rest = new DmwsiRest(core, issuer);
        executor = Executors.newCachedThreadPool();
    }

    private static DeviceAgent device(String devId) {
        return DmTestCores.device(core, issuer, devId, "2.0.1", executor);
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
        issuer.close();
        executor.shutdownNow();
    }


    private static String retrieve(String devId, String uris) throws Exception {
        HttpResponse<String> r = dmwsi("POST", "/operations", "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\""
                + devId + "\",\"uris\":[" + uris + "]}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("operation").path("operationId").asText();
    }

    private static HttpResponse<String> dmwsi(String method, String path, String body) throws Exception {
        return rest.call("e2e-flows", "oma_dmwsi.read oma_dmwsi.operate", method, "/dmwsi/v1" + path, body);
    }

    private static JsonNode awaitFinal(String operationId) throws Exception {
        return rest.awaitFinal("e2e-flows", "oma_dmwsi.read oma_dmwsi.operate", operationId);
    }

    @Test
    void clientInitiatedTheDeviceRunsTheQueuedWorkInSeveralPackages() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        DeviceAgent watch = device(devId);
        String first = retrieve(devId, "\"./DevInfo/Man\",\"./DevInfo/Mod\"");
        String second = retrieve(devId, "\"./DevDetail/FwV\"");

        Optional<SessionOutcome> outcome = watch.clientInitiated().get(20, TimeUnit.SECONDS);
        assertThat(outcome).isPresent();
        assertThat(outcome.get().packages()).isEqualTo(2);
        assertThat(outcome.get().commands()).isEqualTo(3);
        assertThat(outcome.get().ok()).isTrue();
        assertThat(awaitFinal(first).path("state").asText()).isEqualTo("Succeeded");
        JsonNode fw = awaitFinal(second);
        assertThat(fw.path("state").asText()).isEqualTo("Succeeded");
        assertThat(fw.path("results").get(0).path("value").asText()).isEqualTo("2.0.1");

        // its own event again, nothing queued: no session
        assertThat(watch.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(watch.client().completed().get(10, TimeUnit.SECONDS))
                .extracting(Wire.SessionInfo::result).containsExactly("OK");
    }

    @Test
    void browserComponentAnAlertAskingForCommandsGetsThePendingSessionWhichTheDeviceRuns() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        DeviceAgent watch = device(devId);
        Wire.Alert fault = new Wire.Alert(null, "urn:oma:dm:alert:fault", null, null, null, "informational", null,
                null);
        // nothing pending: the alert is only accepted
        assertThat(watch.client().alert(fault, true).get(10, TimeUnit.SECONDS)).isEmpty();

        String op = retrieve(devId, "\"./DevDetail/FwV\"");
        Optional<Wire.SessionPackage> first = watch.client().alert(fault, true).get(10, TimeUnit.SECONDS);
        assertThat(first).isPresent();
        assertThat(first.get().cmd()).extracting(Wire.Command::op).containsExactly("GET", "END");
        SessionOutcome outcome = watch.runSession(first.get()).get(20, TimeUnit.SECONDS);
        assertThat(outcome.ok()).isTrue();
        assertThat(awaitFinal(op).path("state").asText()).isEqualTo("Succeeded");
    }
}
