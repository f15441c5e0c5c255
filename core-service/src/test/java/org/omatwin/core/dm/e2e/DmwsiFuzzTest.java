package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Fuzz.garbage;
import static org.omatwin.core.support.Fuzz.randomJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.dm.DmTestCores;
import org.omatwin.core.support.Fuzz;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.testsupport.LocalIssuer;

/**
 * The whole {@code /dmwsi/v1} REST surface fuzzed as the twinning surface is ({@code RestFuzzTest}):
 * malformed requests (random JSON with the contract's element names, huge and non-UTF-8 bodies, odd
 * deviceRefs, filters built from the grammar's pieces and garbage, bad limits, page tokens, waits,
 * methods, content types and tokens) against a real core on loopback with a device the reference
 * client reported. No 5xx, every error a requestError, and bad input changes nothing: the device and
 * the device list read the same afterwards, and the only new operations are those answered 201.
 * Seeded, so a failure replays.
 */
class DmwsiFuzzTest {
    private static final int REQUESTS = 4_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEV_ID = "urn:imei:356938035800001";
    private static final String LINE = "tel:+447700900801";
    private static final String[] METHODS = {"GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    private static final String[] TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
            "application/x-www-form-urlencoded", "application/json; charset=latin1", ""};
    private static final String[] FIELDS = {"operation", "type", "deviceRef", "uris", "values", "uri", "value",
            "format", "networkParameter", "commands", "op", "data", "clientCorrelator", "timeoutSeconds", "uiMode",
            "customerCare", "callbackReference", "notifyURL", "function", "periodSeconds", "state", "x",
            "dmSubscription", "eventTypes", "alertTypes", "deviceRefs", "duration", "callbackData"};
    private static final String[] EVENT_TYPES = {"alert", "fault", "operationCompleted", "nodeChanged", "everything",
            ""};
    private static final String[] OP_TYPES = {"retrieve", "inventory", "configure", "delete", "execute",
            "diagnosticsStart", "commands", "firmwareUpdate", "nope"};
    private static final String[] QUERY = {"filter", "filter", "filter", "limit", "pageToken", "uri", "waitSeconds",
            "colour", "deviceRef", "from", "to", "jobId"};
    private static final String[] TERMS = {"man==OMA*", "mod!=W1", "fwV=ge=4.10.0", "fwV=lt=10", "line==tel:+44*",
            "lastSeen=ge=2026-11-28T03:00:00Z", "binding==Confirmed", "man=in=(\"OMA Twin\",\"a,b;\\\"c\")",
            "devTyp==\"a b\"", "swV=gt=0.9", "binding!=Unconfirmed", "line=in=(tel:+447700900801)"};
    private static final String[] FILTER_PIECES = {"man", "mod", "devTyp", "fwV", "swV", "hwV", "line", "lastSeen",
            "binding", "colour", "==", "!=", "=lt=", "=le=", "=gt=", "=ge=", "=in=", "=", ";", ",", "(", ")", "\"",
            "\\", "*", "4.10.0", "4.x", "Acme", "tel:+447700900801", "tel:+44*", "2026-11-28T03:00:00Z", "Confirmed",
            "Unconfirmed", " ", "%", "_", "'", "\u00e9", "\u0000", "\ud83d\ude00", "9".repeat(40)};

    @Test
    void malformedRequestsNeverGet5xxAlwaysGetARequestErrorAndChangeNothing() throws Exception {
        try (LocalIssuer issuer = new LocalIssuer()) {
            Path dir = Files.createTempDirectory("dmwsi-fuzz");
            Path parameters = dir.resolve("np.json");
            Files.writeString(parameters, "{\"networkParameters\":[{\"id\":\"apn.internet\",\"kind\":\"apn\","
                    + "\"values\":[{\"uri\":\"./Settings/APN/1/Name\",\"value\":\"internet\"}]}]}");
            try (CoreServer core = CoreServer.start(DmTestCores.config(issuer, dir.resolve("data"),
                    Map.of("TWIN_DM_NETWORK_PARAMETERS", parameters.toString(),
                            "TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1")))) {
                DeviceAgent phone = DmTestCores.device(core, issuer, DEV_ID, "4.10.0", LINE,
                        Executors.newCachedThreadPool());
                assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
                String base = core.restUrl().replace("/twinning/v1", "");
                String[] tokens = {issuer.token("fuzz", "oma_dmwsi.read oma_dmwsi.operate oma_dmwsi.subscribe"),
                        issuer.token("fuzz", "oma_dmwsi.read oma_dmwsi.operate oma_dmwsi.subscribe oma_dmwsi.audit"),
                        issuer.token("fuzz", "oma_dmwsi.read"),
                        issuer.token("fuzz", "oma_twinning"), "not-a-jwt", null};
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String opId = created(client, base, tokens[0], "{\"operation\":{\"type\":\"inventory\",\"deviceRef\":\""
                        + DEV_ID + "\"}}");
                String subId = createdSubscription(client, base, tokens[0]);
                String subscriptionsBefore = read(client, base, tokens[0], "/dmwsi/v1/subscriptions?limit=500");
                String deviceBefore = read(client, base, tokens[0], "/dmwsi/v1/devices/" + DEV_ID);
                String listBefore = read(client, base, tokens[0], "/dmwsi/v1/devices?limit=500");
                int operationsBefore = operations(client, base, tokens[0]);
                AtomicInteger createdByFuzz = new AtomicInteger();
                Map<String, AtomicInteger> reached = Map.of("filter refused", new AtomicInteger(),
                        "filtered list", new AtomicInteger(), "operation refused", new AtomicInteger(),
                        "subscription refused", new AtomicInteger());

                assertThat(Fuzz.run(REQUESTS, 15L * 1_000_003, seed -> check(client, base, tokens, opId, subId,
                        new Random(seed), seed, createdByFuzz, reached))).isEmpty();
                // the fuzz got past the edge to the new resources, not only to its refusals
                reached.forEach((what, count) -> assertThat(count.get()).as(what).isGreaterThan(5));
                assertThat(read(client, base, tokens[0], "/dmwsi/v1/devices/" + DEV_ID)).isEqualTo(deviceBefore);
                assertThat(read(client, base, tokens[0], "/dmwsi/v1/devices?limit=500")).isEqualTo(listBefore);
                assertThat(operations(client, base, tokens[0])).isEqualTo(operationsBefore + createdByFuzz.get());
                assertThat(reached.get("subscription refused").get()).isGreaterThan(5);
                assertThat(read(client, base, tokens[0], "/dmwsi/v1/subscriptions?limit=500"))
                        .as("no subscription made, changed or removed by bad input").isEqualTo(subscriptionsBefore);
            }
        }
    }

    /** The filter parser alone: any text parses or is refused as SVC0002, never another failure. */
    @Test
    void anyTextParsesOrIsRefusedAsInvalidInput() {
        Random r = new Random(20261128);
        for (int i = 0; i < 50_000; i++) {
            String text = filter(r);
            try {
                DeviceFilter.parse(text);
            } catch (ApiException e) {
                assertThat(e.error()).as(text).isEqualTo(ApiError.INVALID_INPUT);
            }
        }
    }

    private static String created(HttpClient client, String base, String token, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/dmwsi/v1/operations"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("operation").path("operationId").asText();
    }

    private static String createdSubscription(HttpClient client, String base, String token) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/dmwsi/v1/subscriptions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dmSubscription\":{\"callbackReference\":{\"notifyURL\":"
                        + "\"http://127.0.0.1:9/n\"},\"eventTypes\":[\"fault\"],\"deviceRefs\":[\"" + DEV_ID
                        + "\"]}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("dmSubscription").path("subscriptionId").asText();
    }

    private static String read(HttpClient client, String base, String token, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static int operations(HttpClient client, String base, String token) throws Exception {
        int count = 0;
        String page = "";
        do {
            JsonNode list = JSON.readTree(read(client, base, token, "/dmwsi/v1/operations?limit=500" + page))
                    .path("operationList");
            count += list.path("operation").size();
            page = list.has("nextPageToken") ? "&pageToken=" + list.path("nextPageToken").asText() : "";
        } while (!page.isEmpty());
        return count;
    }

    private static String check(HttpClient client, String base, String[] tokens, String opId, String subId, Random r,
            long seed, AtomicInteger created, Map<String, AtomicInteger> reached) {
        String path = path(r, opId, subId);
        boolean operations = path.split("\\?")[0].equals("/dmwsi/v1/operations");
        boolean subscriptions = path.split("\\?")[0].equals("/dmwsi/v1/subscriptions");
        String method = (operations || subscriptions) && r.nextBoolean() ? "POST" : METHODS[r.nextInt(METHODS.length)];
        if (method.equals("DELETE") && path.contains(subId)) {
            method = "GET"; // the one real subscription stays: what is compared afterwards
        }
        byte[] body = subscriptions && r.nextBoolean() ? subscriptionBody(r) : body(r);
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        } catch (IllegalArgumentException notAUri) {
            return null; // the client cannot even send it
        }
        String token = tokens[r.nextInt(tokens.length)];
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        String type = TYPES[r.nextInt(TYPES.length)];
        if (!type.isEmpty()) {
            b.header("Content-Type", type);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return Fuzz.check(client, b.build(), seed, resp -> {
            int status = resp.statusCode();
            String text = resp.body();
            if (status == 201 && operations) {
                created.incrementAndGet();
            }
            if (status == 400 && text.contains("filter does not parse")) {
                reached.get("filter refused").incrementAndGet();
            } else if (status == 200 && text.contains("\"deviceList\"") && path.contains("filter=")) {
                reached.get("filtered list").incrementAndGet();
            } else if (status == 400 && operations && text.contains("operation")) {
                reached.get("operation refused").incrementAndGet();
            } else if (status == 400 && subscriptions && text.contains("dmSubscription")) {
                reached.get("subscription refused").incrementAndGet();
            }
            if (status == 201 && subscriptions) {
                throw new AssertionError("a fuzzed subscription was created: " + text);
            }
        });
    }

    private static String path(Random r, String opId, String subId) {
        String ref = switch (r.nextInt(7)) {
            case 0 -> DEV_ID;
            case 1 -> enc(LINE);
            case 2 -> enc("tel:" + garbage(r, 1 + r.nextInt(20)));
            case 3 -> enc("pid:" + garbage(r, 8));
            case 4 -> enc(garbage(r, 1 + r.nextInt(300)));
            case 5 -> "tel%3A%2B" + r.nextInt(1000);
            default -> "%FF%FE" + r.nextInt(10);
        };
        String id = r.nextBoolean() ? opId : enc(garbage(r, 1 + r.nextInt(50)));
        String resource = switch (r.nextInt(16)) {
            case 14, 15 -> "/transactions";
            case 12 -> "/subscriptions";
            case 13 -> "/subscriptions/" + (r.nextBoolean() ? subId : enc(garbage(r, 1 + r.nextInt(50))));
            case 0 -> "";
            case 1, 2, 3 -> "/devices";
            case 4 -> "/devices/" + ref;
            case 5 -> "/devices/" + ref + "/tree";
            case 6 -> "/operations";
            case 7 -> "/operations/" + id;
            case 8 -> "/operations/" + id + (r.nextBoolean() ? "/cancel" : "/uploads");
            case 9 -> "/network-parameters";
            case 10 -> "/" + enc(garbage(r, 8)) + "/x";
            default -> "/devices/" + ref + "/" + enc(garbage(r, 4));
        };
        StringBuilder query = new StringBuilder();
        if (resource.equals("/devices") && r.nextBoolean()) {
            return "/dmwsi/v1/devices?filter=" + enc(filter(r));
        }
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            String name = QUERY[r.nextInt(QUERY.length)];
            String value = switch (name) {
                case "filter" -> filter(r);
                case "limit" -> List.of("0", "1", "500", "501", "-1", "x", "99999999999").get(r.nextInt(7));
                case "waitSeconds" -> List.of("0", "-1", "31", "x", "1").get(r.nextInt(5));
                case "from", "to" -> List.of("2026-11-28T10:00:00Z", "2026-13-01T00:00:00Z", "yesterday", "",
                        "2026-11-28T10:00:00+01:00").get(r.nextInt(5));
                case "deviceRef" -> List.of(DEV_ID, LINE, "pid:" + garbage(r, 8), garbage(r, 30)).get(r.nextInt(4));
                default -> garbage(r, r.nextInt(40));
            };
            query.append(i == 0 ? "?" : "&").append(name).append('=').append(enc(value));
        }
        return "/dmwsi/v1" + resource + query;
    }

    /** Half grammatical filters (some with one piece inserted), half the grammar's pieces and garbage. */
    private static String filter(Random r) {
        if (r.nextBoolean()) {
            StringBuilder f = new StringBuilder();
            for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                f.append(i == 0 ? "" : r.nextBoolean() ? ";" : ",").append(TERMS[r.nextInt(TERMS.length)]);
            }
            if (r.nextInt(4) == 0) {
                f.insert(r.nextInt(f.length() + 1), FILTER_PIECES[r.nextInt(FILTER_PIECES.length)]);
            }
            return f.toString();
        }
        StringBuilder f = new StringBuilder();
        for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) {
            f.append(r.nextInt(8) == 0 ? garbage(r, 1 + r.nextInt(5)) : FILTER_PIECES[r.nextInt(FILTER_PIECES.length)]);
        }
        return f.toString();
    }

    /** Subscriptions that are wrong in one way (the notifyURL private or broken, a type unknown...). */
    private static byte[] subscriptionBody(Random r) {
        String url = List.of("http://10.1.2.3/n", "ftp://x/", "https://user:pw@care.example.com/", "", "http://",
                garbage(r, 20)).get(r.nextInt(6));
        StringBuilder types = new StringBuilder();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            types.append(i == 0 ? "" : ",").append('"').append(EVENT_TYPES[r.nextInt(EVENT_TYPES.length)]).append('"');
        }
        return ("{\"dmSubscription\":{\"callbackReference\":{\"notifyURL\":" + JSON.valueToTree(url) + "},"
                + "\"eventTypes\":[" + types + "],\"" + FIELDS[r.nextInt(FIELDS.length)] + "\":"
                + randomJson(r, 2, FIELDS) + "}}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] body(Random r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> Fuzz.brokenBody(r);
            case 2 -> ("{\"operation\":{\"type\":\"" + "\u00e9".repeat(r.nextInt(5000)) + "\"}}")
                    .getBytes(StandardCharsets.ISO_8859_1); // not UTF-8
            case 3 -> randomJson(r, 0, FIELDS).getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"operation\":" + randomJson(r, 0, FIELDS) + "}").getBytes(StandardCharsets.UTF_8);
            default -> ("{\"operation\":{\"type\":\"" + OP_TYPES[r.nextInt(OP_TYPES.length)] + "\",\"deviceRef\":"
                    + (r.nextBoolean() ? "\"" + (r.nextBoolean() ? DEV_ID : LINE) + "\"" : randomJson(r, 2, FIELDS))
                    + ",\"" + FIELDS[r.nextInt(FIELDS.length)] + "\":" + randomJson(r, 2, FIELDS) + "}}")
                    .getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
