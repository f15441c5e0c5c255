package org.omatwin.core.dm.e2e;

import org.omatwin.core.dm.DmTestCores;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.testsupport.LocalIssuer;

/**
 * DMWSI over REST against a real core (PostgreSQL, the embedded edge, the TLS device port) with the
 * reference DM client as the device: every operation type offered end to end with results pulled
 * ({@code ?waitSeconds}), uploads, the tree, paging, cancel before and after delivery, one client
 * never seeing another's operations, the discovery document, and bad input on every new resource
 * (a requestError, nothing created).
 */
class DmwsiOperationsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IMEI = new AtomicInteger(200_000);

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dmwsi-e2e"), Map.of()));
        rest = new DmwsiRest(core, issuer);
    }

    static DeviceAgent device(String devId) {
        return DmTestCores.device(core, issuer, devId, "4.2.0", Executors.newCachedThreadPool());
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
        issuer.close();
    }

    static String newDevId() {
        return "urn:imei:35693803" + String.format("%07d", IMEI.incrementAndGet());
    }


    static HttpResponse<String> call(String client, String scope, String method, String path, String body)
            throws Exception {
        return rest.call(client, scope, method, path, body);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Creates an operation for {@code client}; returns its id. */
    static String create(String client, String operationJson) throws Exception {
        HttpResponse<String> r = call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations",
                "{\"operation\":" + operationJson + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).path("operation").path("operationId").asText();
    }

    /** The operation once final, pulled with ?waitSeconds. */
    static JsonNode awaitFinal(String client, String operationId) throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + operationId
                    + "?waitSeconds=10", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode op = json(r).path("operation");
            if (List.of("Succeeded", "Failed", "Cancelled", "TimedOut", "Rejected").contains(op.path("state").asText())) {
                return op;
            }
        }
        throw new AssertionError("operation " + operationId + " never ended");
    }

    static String value(JsonNode results, String uri) {
        for (JsonNode r : results) {
            if (r.path("uri").asText().equals(uri)) {
                return r.path("value").asText();
            }
        }
        return null;
    }

    static void assertError(HttpResponse<String> r, int status, String messageId) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r).path("requestError");
        String id = e.has("serviceException") ? e.path("serviceException").path("messageId").asText()
                : e.path("policyException").path("messageId").asText();
        assertThat(id).as(r.body()).isEqualTo(messageId);
    }

    static int countOperations(String client) throws Exception {
        HttpResponse<String> r = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations?limit=500", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("operationList").path("operation").size();
    }

    @Test
    void everyOperationTypeReachesTheDeviceAndItsResultsArePulled() throws Exception {
        String client = "care-all-types";
        String devId = newDevId();
        DeviceAgent phone = device(devId);
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        var loop = phone.runLoop(30);
        try {
            String dev = "\"deviceRef\":\"" + devId + "\"";

            JsonNode retrieve = awaitFinal(client, create(client, "{\"type\":\"retrieve\"," + dev
                    + ",\"uris\":[\"./DevDetail\"]}"));
            assertThat(retrieve.path("state").asText()).as(retrieve.toString()).isEqualTo("Succeeded");
            assertThat(value(retrieve.path("results"), "./DevDetail/FwV")).isEqualTo("4.2.0");

            JsonNode profile = awaitFinal(client, create(client, "{\"type\":\"retrieve\"," + dev + "}"));
            assertThat(profile.path("results").findValuesAsText("uri"))
                    .contains("./DevInfo/Man", "./DevDetail/FwV", "./SCOMO/Inventory/Deployed/1/ID");

            JsonNode inventory = awaitFinal(client, create(client, "{\"type\":\"inventory\"," + dev + "}"));
            assertThat(inventory.path("state").asText()).isEqualTo("Succeeded");
            assertThat(value(inventory.path("results"), "./SCOMO/Inventory/Deployed/1/ID"))
                    .isEqualTo("org.omatwin.reference.agent");

            HttpResponse<String> configured = call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations",
                    "{\"operation\":{\"type\":\"configure\"," + dev + ",\"values\":[{\"uri\":\"./Wifi/1/Key\","
                            + "\"value\":\"s3cret-psk\",\"format\":\"chr\"},{\"uri\":\"./Wifi/1/SSID\","
                            + "\"value\":\"home\"}]}}");
            assertThat(configured.statusCode()).as(configured.body()).isEqualTo(201);
            assertThat(configured.body()).doesNotContain("s3cret");
            JsonNode configure = awaitFinal(client, json(configured).path("operation").path("operationId").asText());
            assertThat(configure.path("state").asText()).as(configure.toString()).isEqualTo("Succeeded");
            assertThat(configure.toString()).doesNotContain("s3cret");
            assertThat(configure.path("values").findValuesAsText("uri")).containsExactly("./Wifi/1/Key",
                    "./Wifi/1/SSID");
            assertThat(phone.tree().value("./Wifi/1/Key")).contains("s3cret-psk");
            assertThat(phone.tree().value("./Wifi/1/SSID")).contains("home");

            JsonNode delete = awaitFinal(client, create(client, "{\"type\":\"delete\"," + dev
                    + ",\"uris\":[\"./Wifi/1/SSID\"]}"));
            assertThat(delete.path("state").asText()).isEqualTo("Succeeded");
            assertThat(phone.tree().exists("./Wifi/1/SSID")).isFalse();

            JsonNode execute = awaitFinal(client, create(client, "{\"type\":\"execute\"," + dev
                    + ",\"uri\":\"./DiagMon/1/Operations/Stop\",\"data\":\"now\"}"));
            assertThat(execute.path("state").asText()).as(execute.toString()).isEqualTo("Succeeded");
            assertThat(execute.path("uri").asText()).isEqualTo("./DiagMon/1/Operations/Stop");

            String startId = create(client, "{\"type\":\"diagnosticsStart\"," + dev
                    + ",\"function\":\"./DiagMon/1\",\"periodSeconds\":60}");
            JsonNode start = awaitFinal(client, startId);
            assertThat(start.path("state").asText()).as(start.toString()).isEqualTo("Succeeded");
            assertThat(phone.tree().value("./DiagMon/1/Status")).contains("running");
            HttpResponse<String> uploads = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + startId
                    + "/uploads", null);
            assertThat(uploads.statusCode()).as(uploads.body()).isEqualTo(200);
            JsonNode upload = json(uploads).path("uploadList").path("upload").get(0);
            assertThat(upload.path("mediaType").asText()).startsWith("application/json");
            assertThat(upload.path("receivedTime").asText()).isNotEmpty();
            JsonNode report = JSON.readTree(Base64.getDecoder().decode(upload.path("content").asText()));
            assertThat(value(report.path("results"), "./DiagMon/1/Status")).isEqualTo("running");

            JsonNode diagRetrieve = awaitFinal(client, create(client, "{\"type\":\"diagnosticsRetrieve\"," + dev
                    + ",\"function\":\"./DiagMon/1\"}"));
            assertThat(value(diagRetrieve.path("results"), "./DiagMon/1/Name")).isEqualTo("battery");

            JsonNode stop = awaitFinal(client, create(client, "{\"type\":\"diagnosticsStop\"," + dev
                    + ",\"function\":\"./DiagMon/1\"}"));
            assertThat(stop.path("state").asText()).isEqualTo("Succeeded");
            assertThat(phone.tree().value("./DiagMon/1/Status")).contains("stopped");

            JsonNode sub = awaitFinal(client, create(client, "{\"type\":\"subscribeNode\"," + dev
                    + ",\"uri\":\"./DevDetail/FwV\"}"));
            assertThat(sub.path("state").asText()).isEqualTo("Succeeded");
            assertThat(phone.tree().subscriptions()).contains("./DevDetail/FwV");
            JsonNode unsub = awaitFinal(client, create(client, "{\"type\":\"unsubscribeNode\"," + dev
                    + ",\"uri\":\"./DevDetail/FwV\"}"));
            assertThat(unsub.path("state").asText()).isEqualTo("Succeeded");
            assertThat(phone.tree().subscriptions()).doesNotContain("./DevDetail/FwV");

            String commandsId = create(client, "{\"type\":\"commands\"," + dev + ",\"commands\":["
                    + "{\"op\":\"GET\",\"uri\":\"./DevInfo/Man\"},{\"op\":\"HPUT\",\"uri\":\"./DevDetail/FwV\"}]}");
            JsonNode commands = awaitFinal(client, commandsId);
            assertThat(commands.path("state").asText()).as(commands.toString()).isEqualTo("Succeeded");
            assertThat(value(commands.path("results"), "./DevInfo/Man")).isNotEmpty();
            JsonNode hput = json(call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + commandsId
                    + "/uploads", null)).path("uploadList").path("upload").get(0);
            assertThat(new String(Base64.getDecoder().decode(hput.path("content").asText()), StandardCharsets.UTF_8))
                    .isEqualTo("4.2.0");

            // a failing command fails the operation with its status and text
            JsonNode failed = awaitFinal(client, create(client, "{\"type\":\"delete\"," + dev
                    + ",\"uris\":[\"./DevInfo/Man\"]}"));
            assertThat(failed.path("state").asText()).isEqualTo("Failed");
            assertThat(failed.path("statusCode").asInt()).isEqualTo(405);
            assertThat(failed.path("resultText").asText()).contains("DELETE ./DevInfo/Man");

            // the tree as last reported, without the device: each value with its time
            HttpResponse<String> tree = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/devices/" + devId
                    + "/tree?uri=" + URLEncoder.encode("./DevDetail", StandardCharsets.UTF_8), null);
            assertThat(tree.statusCode()).as(tree.body()).isEqualTo(200);
            JsonNode nodes = json(tree).path("nodeList");
            assertThat(nodes.path("uri").asText()).isEqualTo("./DevDetail");
            assertThat(nodes.path("node").findValuesAsText("uri")).contains("./DevDetail/FwV", "./DevDetail/HwV")
                    .allMatch(u -> u.startsWith("./DevDetail/"));
            for (JsonNode n : nodes.path("node")) {
                assertThat(n.path("time").asText()).isNotEmpty();
            }
            HttpResponse<String> page = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/devices/" + devId
                    + "/tree?uri=./DevDetail&limit=2", null);
            assertThat(json(page).path("nodeList").path("node").size()).isEqualTo(2);
            assertThat(json(page).path("nodeList").path("nextPageToken").asText()).isNotEmpty();

            // every operation listed, newest first, paged
            List<String> all = new ArrayList<>();
            String token = null;
            do {
                HttpResponse<String> list = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations?limit=5"
                        + (token == null ? "" : "&pageToken=" + token), null);
                assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
                JsonNode l = json(list).path("operationList");
                assertThat(l.path("operation").size()).isLessThanOrEqualTo(5);
                all.addAll(l.path("operation").findValuesAsText("operationId"));
                token = l.hasNonNull("nextPageToken") ? l.path("nextPageToken").asText() : null;
            } while (token != null);
            assertThat(all).hasSize(13).doesNotHaveDuplicates().startsWith(failed.path("operationId").asText())
                    .endsWith(retrieve.path("operationId").asText());
        } finally {
            phone.stop();
            loop.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOperationCancelledBeforeDeliveryNeverReachesTheDevice() throws Exception {
        String client = "care-cancel";
        String devId = newDevId();
        DeviceAgent phone = device(devId);
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();

        String id = create(client, "{\"type\":\"configure\",\"deviceRef\":\"" + devId
                + "\",\"values\":[{\"uri\":\"./Wifi/1/SSID\",\"value\":\"never\"}]}");
        HttpResponse<String> cancelled = call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations/" + id
                + "/cancel", null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).path("operation").path("state").asText()).isEqualTo("Cancelled");
        assertThat(json(cancelled).path("operation").path("timeline").findValuesAsText("state"))
                .containsExactly("Queued", "Cancelled");
        // cancelling twice is harmless; another client cannot
        assertThat(call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations/" + id + "/cancel", null)
                .statusCode()).isEqualTo(200);
        assertError(call("someone-else", "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations/" + id + "/cancel",
                null), 404, "SVC2008");

        // the device asks for work: nothing is pending, and its tree never got the value
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(phone.pollAndRun(1).get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(phone.tree().exists("./Wifi/1/SSID")).isFalse();
        assertThat(awaitFinal(client, id).path("state").asText()).isEqualTo("Cancelled");

        // once delivered it can no longer be cancelled: 409 SVC2007
        String delivered = create(client, "{\"type\":\"retrieve\",\"deviceRef\":\"" + devId
                + "\",\"uris\":[\"./DevInfo\"]}");
        assertThat(phone.pollAndRun(10).get(20, TimeUnit.SECONDS)).isPresent();
        assertThat(awaitFinal(client, delivered).path("state").asText()).isEqualTo("Succeeded");
        assertError(call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations/" + delivered + "/cancel", null),
                409, "SVC2007");
    }

    @Test
    void waitSecondsAnswersWithTheOperationAsItIsWhenTheTimeIsUp() throws Exception {
        String client = "care-wait";
        String devId = newDevId();
        assertThat(device(devId).clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        String id = create(client, "{\"type\":\"inventory\",\"deviceRef\":\"" + devId + "\"}");
        long started = System.nanoTime();
        HttpResponse<String> r = call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + id
                + "?waitSeconds=2", null);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("operation").path("state").asText()).isEqualTo("Queued");
        assertThat(millis).isBetween(1_800L, 6_000L);
    }

    @Test
    void aClientNeverSeesAnotherClientsOperations() throws Exception {
        String devId = newDevId();
        assertThat(device(devId).clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        String mine = create("care-a", "{\"type\":\"inventory\",\"deviceRef\":\"" + devId + "\"}");
        create("care-b", "{\"type\":\"inventory\",\"deviceRef\":\"" + devId + "\"}");

        JsonNode listA = json(call("care-a", "oma_dmwsi.read", "GET", "/dmwsi/v1/operations", null));
        assertThat(listA.path("operationList").path("operation").findValuesAsText("operationId"))
                .containsExactly(mine);
        for (String path : List.of("/dmwsi/v1/operations/" + mine, "/dmwsi/v1/operations/" + mine + "/uploads",
                "/dmwsi/v1/operations/" + mine + "?waitSeconds=1")) {
            assertError(call("care-b", "oma_dmwsi.read", "GET", path, null), 404, "SVC2008");
        }
        assertError(call("care-b", "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations/" + mine + "/cancel", null),
                404, "SVC2008");
        assertThat(json(call("care-a", "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + mine, null))
                .path("operation").path("state").asText()).isEqualTo("Queued");
        // the scope of each resource
        assertThat(call("care-a", "oma_dmwsi.read", "POST", "/dmwsi/v1/operations/" + mine + "/cancel", null)
                .statusCode()).isEqualTo(403);
        assertThat(call("care-a", "oma_dm.device", "GET", "/dmwsi/v1/operations", null).statusCode()).isEqualTo(403);
    }

    @Test
    void theDiscoveryDocumentNamesResourcesScopesMosAndTheFrameworkDeviation() throws Exception {
        HttpResponse<String> r = call("any-client", "oma_dmwsi.operate", "GET", "/dmwsi/v1", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode d = json(r).path("discovery");
        assertThat(d.path("versions").get(0).asText()).isEqualTo("v1");
        List<String> resources = new ArrayList<>();
        d.path("resources").forEach(x -> resources.add(x.path("method").asText() + " " + x.path("path").asText()));
        assertThat(resources).contains("POST /dmwsi/v1/operations", "GET /dmwsi/v1/operations",
                "GET /dmwsi/v1/operations/{operationId}", "POST /dmwsi/v1/operations/{operationId}/cancel",
                "GET /dmwsi/v1/operations/{operationId}/uploads", "GET /dmwsi/v1/devices/{deviceRef}",
                "GET /dmwsi/v1/devices/{deviceRef}/tree", "GET /dmwsi/v1", "POST /dmwsi/v1/subscriptions",
                "DELETE /dmwsi/v1/subscriptions/{subscriptionId}", "POST /dmwsi/v1/jobs",
                "GET /dmwsi/v1/jobs/{jobId}/executions", "POST /dmwsi/v1/jobs/{jobId}/cancel");
        assertThat(d.path("scopes").findValuesAsText("scope")).contains("oma_dmwsi.read", "oma_dmwsi.operate");
        List<String> offered = new ArrayList<>();
        d.path("scopes").forEach(x -> {
            if (x.path("offered").asBoolean()) {
                offered.add(x.path("scope").asText());
            }
        });
        assertThat(offered).contains("oma_dmwsi.read", "oma_dmwsi.operate", "oma_dmwsi.subscribe", "oma_dmwsi.jobs",
                "oma_dmwsi.packages");
        assertThat(d.path("eventTypes").toString()).contains("operationCompleted", "nodeChanged", "uploadReceived");
        assertThat(d.path("managementObjects").findValuesAsText("moId")).contains("urn:oma:mo:oma-dm-devinfo:1.0",
                "urn:oma:mo:oma-dm-devdetail:1.0", "urn:oma:mo:oma-fumo:1.0", "urn:oma:mo:oma-scomo:1.0",
                "urn:oma:mo:oma-diagmon:1.0");
        assertThat(d.path("operationTypes").toString()).contains("configure", "firmwareUpdate", "softwareInstall");
        assertThat(d.path("deviations").get(0).asText()).contains("OF4").contains("SOAP").contains("gRPC");
        assertThat(call("any-client", "oma_dmwsi.read", "DELETE", "/dmwsi/v1", null).statusCode()).isEqualTo(405);
    }

    @Test
    void badInputOnEveryNewResourceIsARequestErrorAndCreatesNothing() throws Exception {
        String client = "care-bad-input";
        String devId = newDevId();
        assertThat(device(devId).clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        String dev = "\"deviceRef\":\"" + devId + "\"";
        String existing = create(client, "{\"type\":\"inventory\"," + dev + "}");
        int before = countOperations(client);

        record Bad(String body, int status, String messageId) {}
        List<Bad> creates = List.of(
                // commands carry no url: the server makes every one (2.2)
                new Bad("{\"type\":\"commands\"," + dev + ",\"commands\":[{\"op\":\"HPUT\",\"uri\":\"./DevDetail\","
                        + "\"url\":\"https://evil.example/x\"}]}", 400, "SVC2005"),
                new Bad("{\"type\":\"retrieve\"," + dev + ",\"colour\":\"blue\"}", 400, "SVC2005"),
                new Bad("{\"type\":\"configure\"," + dev + ",\"values\":[{\"uri\":\"./A\",\"value\":\"x\","
                        + "\"secret\":true}]}", 400, "SVC2005"),
                new Bad("{\"type\":\"diagnosticsStart\"," + dev + ",\"function\":\"./DiagMon/1\","
                        + "\"periodSeconds\":\"soon\"}", 400, "SVC0002"),
                new Bad("{\"type\":\"delete\"," + dev + ",\"uris\":\"./A\"}", 400, "SVC0002"),
                new Bad("{\"type\":\"diagnosticsStart\"," + dev + ",\"function\":\"./DiagMon/1\","
                        + "\"periodSeconds\":0}", 400, "SVC0002"),
                // a package of no one (or of another client): as if unknown (section 8)
                new Bad("{\"type\":\"firmwareUpdate\"," + dev + ",\"packageId\":\"p-1\"}", 404, "SVC2008"),
                new Bad("{\"type\":\"softwareInstall\"," + dev + ",\"packageId\":\"p-1\"}", 404, "SVC2008"),
                new Bad("{\"type\":\"softwareRemove\"," + dev + "}", 400, "SVC2006"),
                new Bad("{\"type\":\"configure\"," + dev + ",\"packageId\":\"p-1\"}", 404, "SVC2008"),
                new Bad("{\"type\":\"firmwareUpdate\"," + dev + "}", 400, "SVC2006"),
                new Bad("{\"type\":\"reboot\"," + dev + "}", 400, "SVC0002"),
                new Bad("{\"type\":\"execute\"," + dev + ",\"uri\":\"./X\",\"uris\":[\"./Y\"]}", 400, "SVC0002"),
                new Bad("{\"type\":\"execute\"," + dev + "}", 400, "SVC2006"),
                new Bad("{\"type\":\"configure\"," + dev + ",\"values\":[{\"uri\":\"./A\"}]}", 400, "SVC2006"),
                new Bad("{\"type\":\"delete\"," + dev + ",\"uris\":[\"../etc\"]}", 400, "SVC0002"),
                new Bad("{\"type\":\"commands\"," + dev + ",\"commands\":[{\"op\":\"HGET\",\"uri\":\"./A\"}]}", 400,
                        "SVC0002"),
                new Bad("{\"type\":\"commands\"," + dev + ",\"commands\":[{\"op\":\"FORMAT\",\"uri\":\"./A\"}]}", 400,
                        "SVC0002"),
                new Bad("{\"type\":\"subscribeNode\",\"deviceRef\":\"not-a-device\",\"uri\":\"./A\"}", 404,
                        "SVC0004"));
        for (Bad bad : creates) {
            HttpResponse<String> r = call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations",
                    "{\"operation\":" + bad.body() + "}");
            assertError(r, bad.status(), bad.messageId());
            assertThat(r.body()).as(bad.body()).doesNotContain("Exception:").doesNotContain("io.grpc");
        }

        List<Bad> reads = List.of(
                new Bad("/dmwsi/v1/operations?pageToken=bm90LWEtdG9rZW4", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations?pageToken=%25%25", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations?limit=0", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations?limit=501", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations?limit=ten", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations?sort=asc", 400, "SVC2005"),
                new Bad("/dmwsi/v1/operations/" + existing + "?waitSeconds=31", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations/" + existing + "?waitSeconds=-1", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations/" + existing + "/uploads?pageToken=xyz", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations/" + existing + "/uploads?limit=1000", 400, "SVC0002"),
                new Bad("/dmwsi/v1/operations/op-unknown/uploads", 404, "SVC2008"),
                new Bad("/dmwsi/v1/devices/" + devId + "/tree?uri=DevDetail", 400, "SVC0002"),
                new Bad("/dmwsi/v1/devices/" + devId + "/tree?uri=./DevDetail/../..", 400, "SVC0002"),
                new Bad("/dmwsi/v1/devices/" + devId + "/tree?uri=./DevDetail&depth=2", 400, "SVC2005"),
                new Bad("/dmwsi/v1/devices/" + devId + "/tree?pageToken=cDE6LTE", 400, "SVC0002"),
                new Bad("/dmwsi/v1/devices/urn:imei:000000000000001/tree?uri=./DevDetail", 404, "SVC0004"),
                new Bad("/dmwsi/v1?verbose=true", 400, "SVC2005"));
        for (Bad bad : reads) {
            assertError(call(client, "oma_dmwsi.read", "GET", bad.body(), null), bad.status(), bad.messageId());
        }
        assertError(call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations/op-unknown/cancel", null), 404,
                "SVC2008");
        assertError(call(client, "oma_dmwsi.operate", "PUT", "/dmwsi/v1/operations/" + existing + "/cancel", null),
                405, "SVC0002");

        assertThat(countOperations(client)).isEqualTo(before);
        assertThat(json(call(client, "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + existing, null))
                .path("operation").path("state").asText()).isEqualTo("Queued");
    }
}
