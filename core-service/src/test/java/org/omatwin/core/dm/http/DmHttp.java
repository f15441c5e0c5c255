package org.omatwin.core.dm.http;

import org.omatwin.core.dm.DmTestCores;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.CoreServer;
import org.omatwin.dmclient.TlsTrust;
import org.omatwin.testsupport.LocalIssuer;

/**
 * One core for a test class, reached the way a device and an external system reach it: the device
 * surface over real TLS (trusting the core's self-signed certificate by its SHA-256) with plain
 * {@link HttpClient} requests, so nothing hides a mistake of the server; DMWSI over the REST port.
 */
final class DmHttp implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String COMMANDS = "application/vnd.omadm-cmd+json";
    static final String CODE_HASH_KEY = "dGVzdC1vbmx5LWNvZGUtaGFzaC1rZXktMzItYnl0ZXMh";
    private static final Set<String> FINAL = Set.of("Succeeded", "Failed", "TimedOut", "Cancelled", "Rejected");

    final LocalIssuer issuer;
    final CoreServer core;
    final Path dataDir;
    private final boolean ownsIssuer;
    private final HttpClient device;
    private final HttpClient rest = HttpClient.newHttpClient();

    private DmHttp(LocalIssuer issuer, boolean ownsIssuer, CoreServer core, Path dataDir) {
        this.issuer = issuer;
        this.ownsIssuer = ownsIssuer;
        this.core = core;
        this.dataDir = dataDir;
        this.device = HttpClient.newBuilder().sslContext(TlsTrust.pinnedSha256(core.dmFingerprint()).sslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A core with its own issuer, data directory and embedded PostgreSQL; {@code env} adds or overrides. */
    static DmHttp start(Map<String, String> env) throws Exception {
        LocalIssuer issuer = new LocalIssuer();
        Path dir = Files.createTempDirectory("dm-http");
        return new DmHttp(issuer, true, CoreServer.start(config(issuer, dir, env)), dir);
    }

    /** Another core with {@code issuer}'s tokens (the caller closes the issuer). */
    static DmHttp start(LocalIssuer issuer, Path dataDir, Map<String, String> env) throws Exception {
        return new DmHttp(issuer, false, CoreServer.start(config(issuer, dataDir, env)), dataDir);
    }

    static CoreConfig config(LocalIssuer issuer, Path dataDir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("TWIN_CODE_HASH_KEY", CODE_HASH_KEY));
        all.putAll(env);
        return DmTestCores.config(issuer, dataDir, all);
    }

    /** A devId no other test uses. */
    static String newDevId() {
        return "urn:uuid:" + UUID.randomUUID();
    }

    String deviceToken(String devId) {
        return issuer.token(devId, "oma_dm.device");
    }

    String dmBase() {
        return "https://localhost:" + core.dmPort() + "/dm/v2";
    }

    // ---- the device surface ----

    /** A request to the device surface; any of token, contentType, accept and body may be null. */
    Resp raw(String method, String path, String token, String contentType, String accept, byte[] body) {
        return send(device, rawRequest(method, path, token, contentType, accept, body));
    }

    HttpRequest rawRequest(String method, String path, String token, String contentType, String accept, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("https:") ? path : dmBase() + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return b.build();
    }

    /** As the device {@code devId}, a JSON body in the commands media type (or none), no Accept. */
    Resp dm(String devId, String method, String path, String body) {
        return raw(method, path, deviceToken(devId), body == null ? null : COMMANDS, null,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /sessions/pending?wait=N} held in the background. */
    CompletableFuture<Resp> poll(String devId, int waitSeconds) {
        HttpRequest r = rawRequest("GET", "/sessions/pending?wait=" + waitSeconds, deviceToken(devId), null, null,
                null);
        return device.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(Resp::of);
    }

    List<String> pendingIds(String devId) {
        Resp r = dm(devId, "GET", "/sessions/pending", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("sessionList").path("session").findValuesAsText("sessionId");
    }

    JsonNode completed(String devId, String query) {
        Resp r = dm(devId, "GET", "/sessions/completed" + query, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("sessionList");
    }

    /** {@code POST /sessions/next} without a body: the package (its {@code session} element) or null on 204. */
    JsonNode next(String devId) {
        Resp r = dm(devId, "POST", "/sessions/next", null);
        assertThat(r.status()).as(r.body()).isIn(200, 204);
        return r.status() == 204 ? null : r.json().path("session");
    }

    /** The report of {@code pkg}: status {@code sc} for every command but END, a value for each GET. */
    static String report(JsonNode pkg, int sc) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode status = root.putObject("sessionReport").putArray("status");
        for (JsonNode cmd : pkg.path("cmd")) {
            if (cmd.path("op").asText().equals("END")) {
                continue;
            }
            ObjectNode s = status.addObject().put("cmdId", cmd.path("cmdId").asText()).put("sc", sc);
            if (sc == 200 && cmd.path("op").asText().equals("GET")) {
                s.putArray("results").addObject().put("uri", cmd.path("uri").asText()).put("format", "chr")
                        .put("value", "v");
            }
        }
        return root.toString();
    }

    Resp report(String devId, JsonNode pkg, int sc) {
        return dm(devId, "PUT", "/sessions/id/" + pkg.path("sessionId").asText(), report(pkg, sc));
    }

    /** Reports every package of the session that {@code first} opens with 200; the session then ends. */
    void runToEnd(String devId, JsonNode first) {
        JsonNode pkg = first;
        for (int i = 0; i < 100; i++) {
            Resp r = report(devId, pkg, 200);
            assertThat(r.status()).as(r.body()).isIn(200, 204);
            if (r.status() == 204) {
                return;
            }
            pkg = r.json().path("session");
        }
        throw new AssertionError("the session did not end");
    }

    static List<String> uris(JsonNode pkg) {
        return pkg.path("cmd").findValuesAsText("uri");
    }

    static List<String> ops(JsonNode pkg) {
        return pkg.path("cmd").findValuesAsText("op");
    }

    // ---- DMWSI ----

    String dmwsiBase() {
        return core.restUrl().replace("/twinning/v1", "") + "/dmwsi/v1";
    }

    Resp dmwsi(String method, String path, String body, String scope) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dmwsiBase() + path))
                .header("Authorization", "Bearer " + issuer.token("dm-http-test", scope));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(rest, b.build());
    }

    /** A {@code retrieve} of {@code uris}; {@code extra} is more JSON members of the operation (or ""). */
    String retrieve(String devId, String extra, String... uris) {
        StringBuilder list = new StringBuilder();
        for (String u : uris) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(u).append('"');
        }
        Resp r = dmwsi("POST", "/operations", "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId
                + "\",\"uris\":[" + list + "]" + (extra.isEmpty() ? "" : "," + extra) + "}}", "oma_dmwsi.operate");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("operation").path("operationId").asText();
    }

    JsonNode operation(String operationId) {
        Resp r = dmwsi("GET", "/operations/" + operationId, null, "oma_dmwsi.read");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("operation");
    }

    String state(String operationId) {
        return operation(operationId).path("state").asText();
    }

    /** The operation once final, or as it is after {@code within}. */
    JsonNode awaitFinal(String operationId, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode op;
        do {
            op = operation(operationId);
            if (FINAL.contains(op.path("state").asText())) {
                return op;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return op;
    }

    // ---- plumbing ----

    private static Resp send(HttpClient client, HttpRequest request) {
        try {
            return Resp.of(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        core.close();
        if (ownsIssuer) {
            issuer.close();
        }
    }

    /** A response, read whole. */
    record Resp(int status, java.net.http.HttpHeaders headers, String body) {
        static Resp of(HttpResponse<String> r) {
            return new Resp(r.statusCode(), r.headers(), r.body());
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }

        /** The requestError's exception (service or policy): messageId, text, variables. */
        JsonNode error() {
            JsonNode e = json().path("requestError");
            return e.has("serviceException") ? e.path("serviceException") : e.path("policyException");
        }

        String messageId() {
            return error().path("messageId").asText();
        }

        /** Asserts the contract's requestError: this status, this messageId, JSON, nothing internal. */
        Resp isError(int expectedStatus, String expectedMessageId) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(contentType()).as("content type of " + body).startsWith("application/json");
            assertThat(json().path("requestError").size()).as(body).isEqualTo(1);
            assertThat(messageId()).as(body).isEqualTo(expectedMessageId);
            assertThat(body).doesNotContain("Exception:", "\tat ", "INVALID_ARGUMENT", "SQL");
            return this;
        }
    }
}
