package org.omatwin.core.dm.e2e;

import org.omatwin.core.dm.DmTestCores;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.testsupport.LocalIssuer;
import org.omatwin.dmclient.DeviceAgent;

/**
 * The whole path of dm-api.md over real sockets: an external system asks over DMWSI REST for a device's
 * DevDetail; the device (the project's reference DM client, over TLS pinned to the core's self-signed
 * certificate) is woken in its long poll, runs the session and reports; the external system reads the
 * values back. Tokens come from a local issuer, as the embedded authorization server would issue them.
 */
class DeviceManagementEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IMEI = new AtomicInteger(100_000);

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dm-e2e"), Map.of()));
        rest = new DmwsiRest(core, issuer);
    }

    static DeviceAgent device(String devId, String firmware) {
        return DmTestCores.device(core, issuer, devId, firmware, Executors.newCachedThreadPool());
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
        issuer.close();
    }

    static String newDevId() {
        return "urn:imei:35693803" + String.format("%07d", IMEI.incrementAndGet());
    }

    static HttpResponse<String> dmwsi(String method, String path, String body, String scope) throws Exception {
        return rest.call("customer-care", scope, method, path, body);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void anExternalSystemRetrievesDevDetailFromADeviceWokenInItsLongPoll() throws Exception {
        String devId = newDevId();
        DeviceAgent watch = device(devId, "4.2.0");
        // the device introduces itself (client-initiated; nothing pending yet), then holds a long poll
        assertThat(watch.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        CompletableFuture<?> polled = watch.pollAndRun(30);

        HttpResponse<String> created = dmwsi("POST", "/dmwsi/v1/operations",
                "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId + "\",\"uris\":[\"./DevDetail\"],"
                        + "\"clientCorrelator\":\"cc-1\"}}", "oma_dmwsi.operate");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode op = json(created).path("operation");
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo(op.path("resourceURL").asText()).endsWith(op.path("operationId").asText());
        assertThat(op.path("state").asText()).isEqualTo("Queued");

        // the long poll returns at once, the device runs the session and reports
        assertThat(polled.get(20, TimeUnit.SECONDS)).isNotNull();
        JsonNode done = awaitFinal(op.path("operationId").asText());
        assertThat(done.path("state").asText()).isEqualTo("Succeeded");
        assertThat(done.path("timeline").findValuesAsText("state")).containsExactly("Queued", "Delivered", "Succeeded");
        assertThat(done.path("results").findValuesAsText("uri")).contains("./DevDetail/FwV");
        JsonNode fw = null;
        for (JsonNode r : done.path("results")) {
            if (r.path("uri").asText().equals("./DevDetail/FwV")) {
                fw = r;
            }
        }
        assertThat(fw.path("value").asText()).isEqualTo("4.2.0");

        // the profile is read without contacting the device
        HttpResponse<String> profile = dmwsi("GET", "/dmwsi/v1/devices/" + devId, null, "oma_dmwsi.read");
        assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
        assertThat(json(profile).path("device").path("devDetail").path("fwV").asText()).isEqualTo("4.2.0");

        // the same clientCorrelator and body: the existing operation, 200; another body: 409
        HttpResponse<String> again = dmwsi("POST", "/dmwsi/v1/operations",
                "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId + "\",\"uris\":[\"./DevDetail\"],"
                        + "\"clientCorrelator\":\"cc-1\"}}", "oma_dmwsi.operate");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("operation").path("operationId").asText())
                .isEqualTo(op.path("operationId").asText());
        HttpResponse<String> other = dmwsi("POST", "/dmwsi/v1/operations",
                "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId + "\",\"uris\":[\"./DevInfo\"],"
                        + "\"clientCorrelator\":\"cc-1\"}}", "oma_dmwsi.operate");
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(json(other).path("requestError").path("serviceException").path("messageId").asText())
                .isEqualTo("SVC2007");
    }

    @Test
    void operationsNeedTheirScopeAndStayWithTheirClient() throws Exception {
        String devId = newDevId();
        HttpResponse<String> readOnly = dmwsi("POST", "/dmwsi/v1/operations",
                "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId + "\"}}", "oma_dmwsi.read");
        assertThat(readOnly.statusCode()).isEqualTo(403);
        HttpResponse<String> made = dmwsi("POST", "/dmwsi/v1/operations",
                "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId + "\"}}", "oma_dmwsi.operate");
        assertThat(made.statusCode()).isEqualTo(201);
        String id = json(made).path("operation").path("operationId").asText();
        HttpResponse<String> notTheirs = rest.call("another-client", "oma_dmwsi.read", "GET",
                "/dmwsi/v1/operations/" + id, null);
        assertThat(notTheirs.statusCode()).isEqualTo(404);
        assertThat(json(notTheirs).path("requestError").path("serviceException").path("messageId").asText())
                .isEqualTo("SVC2008");
        HttpResponse<String> unknownDevice = dmwsi("GET", "/dmwsi/v1/devices/urn:imei:000000000000000", null,
                "oma_dmwsi.read");
        assertThat(unknownDevice.statusCode()).isEqualTo(404);
    }

    private static JsonNode awaitFinal(String operationId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode op;
        do {
            op = json(dmwsi("GET", "/dmwsi/v1/operations/" + operationId, null, "oma_dmwsi.read")).path("operation");
            if (Boolean.parseBoolean(String.valueOf(Map.of("Succeeded", true, "Failed", true, "TimedOut", true,
                    "Cancelled", true).getOrDefault(op.path("state").asText(), false)))) {
                return op;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return op;
    }
}
