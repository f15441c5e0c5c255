package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.dm.DmTestCores;
import org.omatwin.core.dm.pkg.TestOriginator;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.dmclient.DmClient;
import org.omatwin.dmclient.PackageSignature;
import org.omatwin.dmclient.UpdateBehaviour;
import org.omatwin.dmclient.TlsTrust;
import org.omatwin.testsupport.LocalIssuer;

/**
 * Section 8 over real sockets, PostgreSQL and the package directory: an external system registers and
 * uploads signed packages over REST (the upload streamed on the REST edge), a device downloads with
 * Range and ETag over the TLS device surface only while it holds a live command naming the package, and
 * a firmware update runs end to end with the reference DM client as the device.
 */
class PackagesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "e2e-packages";
    private static final String SCOPES = "oma_dmwsi.read oma_dmwsi.operate oma_dmwsi.packages oma_dmwsi.audit";
    private static final int LIMIT = 300_000;

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;
    private static ExecutorService executor;
    private static TestOriginator originator;
    private static Path packageDir;
    private static Path firmware;
    private static byte[] bytes;
    private static HttpClient devices;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        originator = TestOriginator.create();
        packageDir = Files.createTempDirectory("dm-packages");
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dm-e2e-packages"),
                Map.of("TWIN_DM_PACKAGE_ORIGINATORS", originator.ca().toString(),
                        "TWIN_DM_PACKAGE_DIR", packageDir.toString(),
                        "TWIN_DM_PACKAGE_MAX_BYTES", Integer.toString(LIMIT))));
        rest = new DmwsiRest(core, issuer);
        executor = Executors.newCachedThreadPool();
        bytes = new byte[100_000];
        new Random(18).nextBytes(bytes);
        firmware = Files.write(Files.createTempDirectory("fw").resolve("fw.bin"), bytes);
        devices = DmClient.httpClient(TlsTrust.pinnedSha256(core.dmFingerprint()), executor);
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
        issuer.close();
        executor.shutdownNow();
    }

    @Test
    void aFirmwareUpdateRunsEndToEndWithTheReferenceClient() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        // the device accepts only packages of the operator's originator (ES3)
        DeviceAgent watch = DmTestCores.device(core, issuer, devId, "1.0.0", null,
                new UpdateBehaviour().signatures(PackageSignature.originators(originator.ca())), executor);
        assertThat(watch.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty(); // reports its profile
        String packageId = verifiedFirmware("2.0.0", "1.0.0");

        String op = operation("firmwareUpdate", devId, packageId);
        assertThat(watch.clientInitiated().get(20, TimeUnit.SECONDS)).isPresent();
        JsonNode done = awaitFinal(op);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("Succeeded");
        assertThat(done.path("resultCode").asInt()).isEqualTo(200);

        assertThat(watch.tree().value("./DevDetail/FwV")).contains("2.0.0");
        JsonNode device = JSON.readTree(dmwsi("GET", "/devices/" + devId, null).body()).path("device");
        assertThat(device.path("devDetail").path("fwV").asText()).as(device.toString()).isEqualTo("2.0.0");
        JsonNode installations = JSON.readTree(dmwsi("GET", "/packages/" + packageId + "/installations", null)
                .body()).path("installationList").path("installation");
        assertThat(installations).hasSize(1);
        assertThat(installations.get(0).path("state").asText()).isEqualTo("Succeeded");
        assertThat(installations.get(0).path("deviceRef").asText()).isEqualTo(devId);
        JsonNode log = JSON.readTree(dmwsi("GET", "/transactions?deviceRef=" + devId, null).body());
        assertThat(log.toString()).contains("packageDownload");
        // ended: the package may go
        assertThat(dmwsi("DELETE", "/packages/" + packageId, null).statusCode()).isEqualTo(204);
    }

    @Test
    void aSoftwareInstallAndAConfigurationPackageRunWithTheReferenceClient() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        DeviceAgent watch = DmTestCores.device(core, issuer, devId, "1.0.0", executor);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        JsonNode app = originator.sign(firmware, "org.example.maps", "5.1", "software", "OMA Twin", null);
        String appId = register(app);
        assertThat(put(appId, bytes).statusCode()).isEqualTo(200);

        String install = operation("softwareInstall", devId, appId);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        JsonNode done = awaitFinal(install);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("Succeeded");
        assertThat(done.path("resultCode").asInt()).isEqualTo(1200);
        String deployed = watch.tree().children("./SCOMO/Inventory/Deployed").stream()
                .map(c -> "./SCOMO/Inventory/Deployed/" + c)
                .filter(c -> watch.tree().value(c + "/ID").filter("org.example.maps"::equals).isPresent())
                .findFirst().orElseThrow();
        assertThat(watch.tree().value(deployed + "/Version")).contains("5.1");
        // and removed again, by its component id
        HttpResponse<String> remove = dmwsi("POST", "/operations", "{\"operation\":{\"type\":\"softwareRemove\","
                + "\"deviceRef\":\"" + devId + "\",\"componentId\":\"org.example.maps\"}}");
        assertThat(remove.statusCode()).as(remove.body()).isEqualTo(201);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        JsonNode removed = awaitFinal(JSON.readTree(remove.body()).path("operation").path("operationId").asText());
        assertThat(removed.path("state").asText()).as(removed.toString()).isEqualTo("Succeeded");
        assertThat(removed.path("resultCode").asInt()).isEqualTo(1200);
        assertThat(watch.tree().exists(deployed)).isFalse();

        Path settings = Files.write(Files.createTempFile("apn", ".json"),
                "{\"apn\":\"internet.example\"}".getBytes(StandardCharsets.UTF_8));
        JsonNode config = originator.sign(settings, "APN settings", "1", "configuration", null, null);
        String configId = register(config);
        assertThat(put(configId, Files.readAllBytes(settings)).statusCode()).isEqualTo(200);
        String configure = operation("configure", devId, configId);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        assertThat(awaitFinal(configure).path("state").asText()).isEqualTo("Succeeded");
        // the package's bytes (application/octet-stream) are kept as a binary node: base64 in the tree
        assertThat(watch.tree().value("./Configuration/" + configId).map(v -> new String(
                java.util.Base64.getDecoder().decode(v), StandardCharsets.UTF_8))).contains("{\"apn\":\"internet.example\"}");
    }

    @Test
    void aFailingUpdateEndsFailedWithTheDevicesResultCodeAndItsText() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        UpdateBehaviour behaviour = new UpdateBehaviour().failNextUpdate(UpdateBehaviour.Failure.MEMORY);
        DeviceAgent watch = DmTestCores.device(core, issuer, devId, "1.0.0", null, behaviour, executor);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        String packageId = verifiedFirmware("2.1.0", "1.0.0");

        String op = operation("firmwareUpdate", devId, packageId);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        JsonNode done = awaitFinal(op);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("Failed");
        assertThat(done.path("resultCode").asInt()).isEqualTo(502);
        assertThat(done.path("resultText").asText()).isNotBlank();
        assertThat(watch.tree().value("./DevDetail/FwV")).contains("1.0.0");

        // a device that trusts another originator refuses the package: failed validation (FUMO 404)
        behaviour.signatures(PackageSignature.originators(TestOriginator.create().ca()));
        String again = operation("firmwareUpdate", devId, packageId);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        JsonNode refused = awaitFinal(again);
        assertThat(refused.path("state").asText()).isEqualTo("Failed");
        assertThat(refused.path("resultCode").asInt()).isEqualTo(404);
        JsonNode device = JSON.readTree(dmwsi("GET", "/devices/" + devId, null).body()).path("device");
        assertThat(device.path("devDetail").path("fwV").asText()).isEqualTo("1.0.0");
    }

    @Test
    void aDeviceDownloadsOnlyWithALiveCommandAndResumesWithRange() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        String other = "urn:uuid:" + UUID.randomUUID();
        DeviceAgent watch = DmTestCores.device(core, issuer, devId, "1.0.0", executor);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        String packageId = verifiedFirmware("3.0.0", "1.0.0");
        String content = "/dm/v2/packages/" + packageId + "/content";

        // no command yet
        assertThat(download(devId, content, Map.of()).statusCode()).isEqualTo(404);
        operation("firmwareUpdate", devId, packageId);
        // queued, not delivered: still refused
        assertThat(download(devId, content, Map.of()).statusCode()).isEqualTo(404);
        // the device starts the session: the command is delivered, with what to check (ES3)
        HttpResponse<String> session = device(devId, "POST", "/dm/v2/sessions/next");
        JsonNode exec = JSON.readTree(session.body()).path("session").path("cmd").get(0);
        assertThat(exec.path("uri").asText()).isEqualTo("./FUMO/1/DownloadAndUpdate");
        JsonNode pkg = exec.path("package");
        assertThat(pkg.path("url").asText()).endsWith(content);
        assertThat(pkg.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(pkg.path("signature").asText()).contains("..");
        String sha = pkg.path("sha256").asText();

        HttpResponse<byte[]> whole = download(devId, content, Map.of());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(bytes);
        assertThat(whole.headers().firstValue("etag")).contains("\"" + sha + "\"");

        HttpResponse<byte[]> first = download(devId, content, Map.of("Range", "bytes=0-39999"));
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.headers().firstValue("content-range")).contains("bytes 0-39999/" + bytes.length);
        HttpResponse<byte[]> rest = download(devId, content, Map.of("Range", "bytes=40000-",
                "If-Range", "\"" + sha + "\""));
        assertThat(rest.statusCode()).isEqualTo(206);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(first.body());
        digest.update(rest.body());
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha);
        assertThat(download(devId, content, Map.of("If-None-Match", "\"" + sha + "\"")).statusCode())
                .isEqualTo(304);
        assertThat(download(devId, content, Map.of("Range", "bytes=" + bytes.length + "-")).statusCode())
                .isEqualTo(416);

        // another device's token: as if unknown
        HttpResponse<byte[]> stranger = download(other, content, Map.of());
        assertThat(stranger.statusCode()).isEqualTo(404);
        assertThat(new String(stranger.body(), StandardCharsets.UTF_8)).contains("SVC2008");
        // and the package may not be deleted while the operation lives
        HttpResponse<String> delete = dmwsi("DELETE", "/packages/" + packageId, null);
        assertThat(delete.statusCode()).isEqualTo(409);
        assertThat(delete.body()).contains("SVC2007");
    }

    @Test
    void badContentIsRejectedOverRestAndNeverOffered() throws Exception {
        JsonNode signed = originator.sign(firmware, "fw", "9.9.9", "firmware", "OMA Twin", "DM2-Reference");
        // wrong hash: the same size, one bit flipped
        String id = register(signed);
        byte[] flipped = bytes.clone();
        flipped[7] ^= 1;
        HttpResponse<String> refused = put(id, flipped);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("SVC0002").contains("content");
        JsonNode p = JSON.readTree(dmwsi("GET", "/packages/" + id, null).body()).path("package");
        assertThat(p.path("state").asText()).isEqualTo("Rejected");
        assertThat(p.path("rejectReason").asText()).contains("SHA-256");
        // a Rejected package cannot be named by an operation
        String devId = "urn:uuid:" + UUID.randomUUID();
        HttpResponse<String> op = dmwsi("POST", "/operations", operationBody("firmwareUpdate", devId, id));
        assertThat(op.statusCode()).isEqualTo(409);

        // a signature of an originator the operator did not approve
        JsonNode foreign = TestOriginator.create().sign(firmware, "fw", "9.9.9", "firmware", null, null);
        String unapproved = register(foreign);
        HttpResponse<String> bad = put(unapproved, bytes);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("signature");

        // over the limit: 413, nothing kept, still awaiting its content
        String big = register(signed);
        HttpResponse<String> tooLarge = put(big, new byte[LIMIT + 10]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(dmwsi("GET", "/packages/" + big, null).body()).path("package").path("state")
                .asText()).isEqualTo("AwaitingContent");

        // interrupted: the client goes away mid-body
        String broken = register(signed);
        URI base = URI.create(rest.base);
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /dmwsi/v1/packages/" + broken + "/content HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + issuer.token(CLIENT, SCOPES) + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 30_000);
            out.flush();
            Thread.sleep(200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!packageFiles().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(packageFiles()).isEmpty();
        assertThat(JSON.readTree(dmwsi("GET", "/packages/" + broken, null).body()).path("package").path("state")
                .asText()).isEqualTo("AwaitingContent");

        // another client sees none of them
        HttpResponse<String> otherClient = rest.call("someone-else", SCOPES, "GET", "/dmwsi/v1/packages/" + id, null);
        assertThat(otherClient.statusCode()).isEqualTo(404);
        assertThat(otherClient.body()).contains("SVC2008");
        // without the packages scope: refused
        assertThat(rest.call(CLIENT, "oma_dmwsi.read", "PUT", "/dmwsi/v1/packages/" + broken + "/content", "{}")
                .statusCode()).isEqualTo(403);
    }

    @Test
    void theClientsPackagesArePagedAndNeedThePackagesScope() throws Exception {
        String lister = "e2e-lister";
        JsonNode signed = originator.sign(firmware, "fw", "1", "firmware", null, null);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = rest.call(lister, SCOPES, "POST", "/dmwsi/v1/packages", "{\"package\":" + signed
                    + "}");
            ids.add(JSON.readTree(r.body()).path("package").path("packageId").asText());
        }
        List<String> seen = new java.util.ArrayList<>();
        String token = null;
        do {
            JsonNode list = JSON.readTree(rest.call(lister, SCOPES, "GET", "/dmwsi/v1/packages?limit=2"
                    + (token == null ? "" : "&pageToken=" + token), null).body()).path("packageList");
            list.path("package").forEach(p -> seen.add(p.path("packageId").asText()));
            token = list.path("nextPageToken").asText(null);
        } while (token != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        HttpResponse<String> noScope = rest.call(lister, "oma_dmwsi.read", "GET", "/dmwsi/v1/packages", null);
        assertThat(noScope.statusCode()).isEqualTo(403);
    }

    @Test
    void anOperationForADeviceOutsideTheTargetsIsRejected() throws Exception {
        String devId = "urn:uuid:" + UUID.randomUUID();
        DeviceAgent watch = DmTestCores.device(core, issuer, devId, "1.5.0", executor);
        watch.clientInitiated().get(20, TimeUnit.SECONDS);
        String packageId = verifiedFirmware("2.0.0", "1.0.0"); // from 1.0.0 only
        HttpResponse<String> r = dmwsi("POST", "/operations", operationBody("firmwareUpdate", devId, packageId));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode op = JSON.readTree(r.body()).path("operation");
        assertThat(op.path("state").asText()).isEqualTo("Rejected");
        assertThat(op.path("resultText").asText()).contains("1.5.0");
        assertThat(watch.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty(); // nothing sent
    }

    // ---- helpers ----

    private static String verifiedFirmware(String version, String from) throws Exception {
        JsonNode signed = originator.sign(firmware, "reference firmware", version, "firmware", "OMA Twin",
                "DM2-Reference", from);
        String id = register(signed);
        HttpResponse<String> put = put(id, bytes);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(JSON.readTree(put.body()).path("package").path("state").asText()).isEqualTo("Verified");
        return id;
    }

    private static String register(JsonNode signed) throws Exception {
        HttpResponse<String> r = dmwsi("POST", "/packages", "{\"package\":" + signed + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("location")).isPresent();
        return JSON.readTree(r.body()).path("package").path("packageId").asText();
    }

    private static HttpResponse<String> put(String packageId, byte[] content) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rest.base + "/dmwsi/v1/packages/"
                        + packageId + "/content"))
                .header("Authorization", "Bearer " + issuer.token(CLIENT, SCOPES))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String operationBody(String type, String devId, String packageId) {
        return "{\"operation\":{\"type\":\"" + type + "\",\"deviceRef\":\"" + devId + "\",\"packageId\":\""
                + packageId + "\"}}";
    }

    private static String operation(String type, String devId, String packageId) throws Exception {
        HttpResponse<String> r = dmwsi("POST", "/operations", operationBody(type, devId, packageId));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode op = JSON.readTree(r.body()).path("operation");
        assertThat(op.path("state").asText()).as(r.body()).isEqualTo("Queued");
        return op.path("operationId").asText();
    }

    private static HttpResponse<String> dmwsi(String method, String path, String body) throws Exception {
        return rest.call(CLIENT, SCOPES, method, "/dmwsi/v1" + path, body);
    }

    private static JsonNode awaitFinal(String operationId) throws Exception {
        return rest.awaitFinal(CLIENT, SCOPES, operationId);
    }

    private static HttpResponse<byte[]> download(String devId, String path, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + core.dmPort() + path))
                .header("Authorization", "Bearer " + issuer.token(devId, "oma_dm.device"));
        headers.forEach(b::header);
        return devices.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> device(String devId, String method, String path) throws Exception {
        return devices.send(HttpRequest.newBuilder(URI.create("https://localhost:" + core.dmPort() + path))
                .header("Authorization", "Bearer " + issuer.token(devId, "oma_dm.device"))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every file of the package store (temporary ones included) that is not kept content of a test above. */
    private static List<String> packageFiles() throws Exception {
        try (Stream<Path> all = Files.walk(packageDir.resolve(".incoming"))) {
            return all.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
    }
}
