package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.e2e.DmwsiOperationsEndToEndTest.assertError;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.dm.DmTestCores;
import org.omatwin.core.dm.policy.Pseudonyms;
import org.omatwin.core.support.Listener;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.dmclient.Wire;
import org.omatwin.testsupport.LocalIssuer;
import org.slf4j.LoggerFactory;

/**
 * Section 6 and 6.1 over real sockets, with the reference DM client as the devices and the policies of
 * {@code dm-policies/trust.json}: node rules refusing each way of reading, reach by line filter and by
 * subscriber (outside it a device looks unknown), a pseudonymous client that never receives a devId
 * or a line anywhere, the transaction log with one entry per act (failures too) read as JSON and CSV
 * by its own client only, the request rate, and no access without a policy.
 */
class DmwsiTrustEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] PSEUDONYM_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String ALL_SCOPES = "oma_dmwsi.read oma_dmwsi.operate oma_dmwsi.subscribe oma_dmwsi.audit";

    // alice's watch on a UK line; a French phone on no subscriber's line
    private static final String UK_WATCH = "urn:imei:356938035640001";
    private static final String UK_LINE = "tel:+447700900999";
    private static final String FR_PHONE = "urn:imei:356938035640002";
    private static final String FR_LINE = "tel:+33612345678";

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;
    private static DeviceAgent watch;
    private static DeviceAgent phone;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dmwsi-trust"), Map.of(
                "TWIN_DM_POLICIES", DmTestCores.policies("trust.json"),
                "TWIN_DM_PSEUDONYM_KEY", Base64.getEncoder().encodeToString(PSEUDONYM_KEY),
                "TWIN_DEMO_SUBSCRIBERS", "alice=" + UK_LINE,
                "TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1")));
        rest = new DmwsiRest(core, issuer);
        watch = DmTestCores.device(core, issuer, UK_WATCH, "4.2.0", UK_LINE, Executors.newCachedThreadPool());
        phone = DmTestCores.device(core, issuer, FR_PHONE, "4.2.0", FR_LINE, Executors.newCachedThreadPool());
        assertThat(watch.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
        issuer.close();
    }

    private static HttpResponse<String> call(String client, String method, String path, String body) throws Exception {
        return rest.call(client, ALL_SCOPES, method, path, body);
    }

    private static HttpResponse<String> operate(String client, String operation) throws Exception {
        return call(client, "POST", "/dmwsi/v1/operations", "{\"operation\":" + operation + "}");
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Runs the device's pending session, then reads the operation until it is final. */
    private static JsonNode completed(String client, DeviceAgent device, HttpResponse<String> created) throws Exception {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).path("operation").path("operationId").asText();
        device.pollAndRun(0).get(20, TimeUnit.SECONDS);
        HttpResponse<String> r = call(client, "GET", "/dmwsi/v1/operations/" + id + "?waitSeconds=10", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("operation");
    }

    @Test
    void aClientThatMaySetFavoritesButNotReadThemCannotReadThemAnyWay() throws Exception {
        String dev = "\"deviceRef\":\"" + UK_WATCH + "\"";
        for (String refused : List.of(
                "{\"type\":\"retrieve\"," + dev + ",\"uris\":[\"./Browser/Favorites/1\"]}",
                "{\"type\":\"retrieve\"," + dev + ",\"uris\":[\"./Browser\"]}",
                "{\"type\":\"retrieve\"," + dev + ",\"uris\":[\"./\"]}",
                "{\"type\":\"retrieve\"," + dev + "}",
                "{\"type\":\"subscribeNode\"," + dev + ",\"uri\":\"./Browser/Favorites/1\"}",
                "{\"type\":\"commands\"," + dev + ",\"commands\":[{\"op\":\"HPUT\",\"uri\":\"./Browser/Favorites/1\"}]}",
                "{\"type\":\"commands\"," + dev + ",\"commands\":[{\"op\":\"GET\",\"uri\":\"./Browser/Favorites/1/URL\"}]}",
                "{\"type\":\"delete\"," + dev + ",\"uris\":[\"./Browser/Favorites/1\"]}",
                "{\"type\":\"execute\"," + dev + ",\"uri\":\"./Browser/Favorites/1\"}")) {
            HttpResponse<String> r = operate("favorites", refused);
            assertError(r, 403, "POL2003");
            assertThat(json(r).path("requestError").path("policyException").path("variables").get(0).asText())
                    .as(refused).startsWith("./");
        }
        assertError(call("favorites", "GET", "/dmwsi/v1/devices/" + UK_WATCH + "/tree?uri=./Browser/Favorites",
                null), 403, "POL2003");
        assertError(call("favorites", "GET", "/dmwsi/v1/devices/" + UK_WATCH + "/tree?uri=./", null), 403, "POL2003");
        assertThat(call("favorites", "GET", "/dmwsi/v1/devices/" + UK_WATCH + "/tree?uri=./DevDetail", null)
                .statusCode()).isEqualTo(200);

        // what it may do, it does
        JsonNode set = completed("favorites", watch, operate("favorites", "{\"type\":\"configure\"," + dev
                + ",\"values\":[{\"uri\":\"./Browser/Favorites/1/URL\",\"value\":\"https://example.com\"}]}"));
        assertThat(set.path("state").asText()).as(set.toString()).isEqualTo("Succeeded");
        assertThat(watch.tree().value("./Browser/Favorites/1/URL")).contains("https://example.com");

        // the profile shows only the nodes it may read: DevDetail, not DevInfo
        JsonNode device = json(call("favorites", "GET", "/dmwsi/v1/devices/" + UK_WATCH, null)).path("device");
        assertThat(device.path("devDetail").path("fwV").asText()).isEqualTo("4.2.0");
        assertThat(device.path("devInfo").path("man").isMissingNode()).isTrue();
    }

    @Test
    void outsideItsReachADeviceLooksUnknown() throws Exception {
        // uk-shop reaches lines tel:+4477009*; alice-care reaches alice's lines
        for (String client : List.of("uk-shop", "alice-care")) {
            assertThat(call(client, "GET", "/dmwsi/v1/devices/" + UK_WATCH, null).statusCode()).as(client)
                    .isEqualTo(200);
            assertThat(call(client, "GET", "/dmwsi/v1/devices/" + UK_LINE, null).statusCode()).as(client)
                    .isEqualTo(200);
            for (String ref : List.of(FR_PHONE, FR_LINE, "urn:imei:356938035649999")) {
                assertError(call(client, "GET", "/dmwsi/v1/devices/" + ref, null), 404, "SVC0004");
                assertError(call(client, "GET", "/dmwsi/v1/devices/" + ref + "/tree?uri=./DevDetail", null), 404,
                        "SVC0004");
                assertError(operate(client, "{\"type\":\"retrieve\",\"deviceRef\":\"" + ref
                        + "\",\"uris\":[\"./DevDetail\"]}"), 404, "SVC0004");
                assertError(call(client, "POST", "/dmwsi/v1/subscriptions", "{\"dmSubscription\":{"
                        + "\"callbackReference\":{\"notifyURL\":\"https://example.com/n\"},\"eventTypes\":[\"alert\"],"
                        + "\"deviceRefs\":[\"" + ref + "\"]}}"), 404, "SVC0004");
            }
            List<String> listed = new ArrayList<>();
            json(call(client, "GET", "/dmwsi/v1/devices?limit=500", null)).path("deviceList").path("device")
                    .forEach(d -> listed.add(d.path("devId").asText()));
            assertThat(listed).as(client).contains(UK_WATCH).doesNotContain(FR_PHONE);
        }
        // the operator's own care desk reaches both
        assertThat(call("care", "GET", "/dmwsi/v1/devices/" + FR_PHONE, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aPseudonymousClientNeverReceivesADevIdOrALine() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        List<String> seen = new ArrayList<>();
        Pseudonyms pseudonyms = new Pseudonyms(PSEUDONYM_KEY);
        String pid = pseudonyms.of("apps", Pseudonyms.Kind.DEVICE, UK_WATCH).pid();
        try (Listener listener = Listener.accepting()) {
            // it finds devices by listing them, and names them by the pseudonyms it was given
            HttpResponse<String> list = call("apps", "GET", "/dmwsi/v1/devices?limit=1", null);
            seen.add(list.body());
            String token = json(list).path("deviceList").path("nextPageToken").asText();
            seen.add(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            HttpResponse<String> next = call("apps", "GET", "/dmwsi/v1/devices?limit=500&pageToken=" + token, null);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            seen.add(next.body());
            assertThat(list.body() + next.body()).contains(pid);

            HttpResponse<String> device = call("apps", "GET", "/dmwsi/v1/devices/" + pid, null);
            assertThat(device.statusCode()).as(device.body()).isEqualTo(200);
            seen.add(device.body());
            JsonNode d = json(device).path("device");
            assertThat(d.path("devId").asText()).isEqualTo(pid);
            assertThat(d.path("line").asText()).isEqualTo(pseudonyms.of("apps", Pseudonyms.Kind.LINE, UK_LINE).pid());
            // the line's pseudonym names the device too; real identifiers name nothing for it
            assertThat(call("apps", "GET", "/dmwsi/v1/devices/" + d.path("line").asText(), null).statusCode())
                    .isEqualTo(200);
            for (String real : List.of(UK_WATCH, UK_LINE, "pid:AAAAAAAAAAAAAAAAAAAAAA")) {
                assertError(call("apps", "GET", "/dmwsi/v1/devices/" + real, null), 404, "SVC0004");
            }
            // identifying nodes and everything above them are unreadable; a line is no filter for it
            for (String uris : List.of("[\"./DevInfo/DevId\"]", "[\"./DevInfo\"]", "[\"./\"]")) {
                assertError(operate("apps", "{\"type\":\"retrieve\",\"deviceRef\":\"" + pid + "\",\"uris\":" + uris
                        + "}"), 403, "POL2003");
            }
            assertError(call("apps", "GET", "/dmwsi/v1/devices?filter=line%3D%3Dtel%3A%2B44*", null), 403,
                    "POL2003");

            // an operation with a callback, a subscription, an alert: every body carries the pseudonym
            HttpResponse<String> sub = call("apps", "POST", "/dmwsi/v1/subscriptions", "{\"dmSubscription\":{"
                    + "\"callbackReference\":{\"notifyURL\":\"" + listener.url() + "\"},\"eventTypes\":[\"alert\","
                    + "\"operationCompleted\"]}}");
            assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
            seen.add(sub.body());
            HttpResponse<String> created = operate("apps", "{\"type\":\"retrieve\",\"deviceRef\":\"" + pid
                    + "\",\"uris\":[\"./DevDetail\"],\"callbackReference\":{\"notifyURL\":\"" + listener.url() + "\"}}");
            seen.add(created.body());
            JsonNode op = completed("apps", watch, created);
            seen.add(op.toString());
            assertThat(op.path("deviceRef").asText()).isEqualTo(pid);
            watch.sendAlert(new Wire.Alert("apps-1", "com.example.battery.low", null, null, null, null, null, null))
                    .get(20, TimeUnit.SECONDS);
            List<Listener.Received> heard = listener.await(3, WAIT);
            heard.forEach(n -> seen.add(n.body().toString()));
            assertThat(heard).extracting(n -> n.body().path("dmNotification").path("deviceRef").asText())
                    .containsOnly(pid);
            seen.add(call("apps", "GET", "/dmwsi/v1/devices/" + pid + "/tree?uri=./DevDetail", null).body());
            seen.add(call("apps", "GET", "/dmwsi/v1/operations", null).body());
            seen.add(call("apps", "GET", "/dmwsi/v1/subscriptions", null).body());

            HttpResponse<String> log = call("apps", "GET", "/dmwsi/v1/transactions?deviceRef=" + pid, null);
            assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
            assertThat(json(log).path("transactionList").path("transaction")).isNotEmpty();
            seen.add(log.body());
            HttpResponse<String> csv = rest.call("apps", ALL_SCOPES, "GET", "/dmwsi/v1/transactions", null,
                    Map.of("Accept", "text/csv"));
            assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
            assertThat(csv.body()).contains(pid);
            seen.add(csv.body());
        } finally {
            root.detachAppender(logs);
        }
        logs.list.forEach(e -> seen.add(e.getFormattedMessage()));
        assertThat(seen).isNotEmpty().allSatisfy(text -> assertThat(text)
                .doesNotContain(UK_WATCH).doesNotContain("356938035640001").doesNotContain(UK_LINE)
                .doesNotContain("447700900999").doesNotContain("alice"));
    }

    @Test
    void theTransactionLogHasOneEntryPerActWithItsOutcomeAndEachClientReadsItsOwn() throws Exception {
        String dev = "\"deviceRef\":\"" + FR_PHONE + "\"";
        JsonNode ok = completed("care", phone, operate("care", "{\"type\":\"retrieve\"," + dev
                + ",\"uris\":[\"./DevDetail/FwV\"]}"));
        assertThat(ok.path("state").asText()).isEqualTo("Succeeded");
        JsonNode failed = completed("care", phone, operate("care", "{\"type\":\"delete\"," + dev
                + ",\"uris\":[\"./DevInfo/Man\"]}"));
        assertThat(failed.path("state").asText()).isEqualTo("Failed");
        HttpResponse<String> queued = operate("care", "{\"type\":\"retrieve\"," + dev + ",\"uris\":[\"./DevInfo\"]}");
        String cancelledId = json(queued).path("operation").path("operationId").asText();
        assertThat(call("care", "POST", "/dmwsi/v1/operations/" + cancelledId + "/cancel", null).statusCode())
                .isEqualTo(200);
        assertError(operate("favorites", "{\"type\":\"retrieve\"," + dev + ",\"uris\":[\"./DevInfo\"]}"), 403,
                "POL2003");

        JsonNode entries = json(call("care", "GET", "/dmwsi/v1/transactions?deviceRef=" + FR_PHONE, null))
                .path("transactionList").path("transaction");
        List<String> rows = new ArrayList<>();
        entries.forEach(t -> rows.add(t.path("kind").asText() + " " + t.path("success").asBoolean() + " "
                + t.path("operationId").asText()));
        String okId = ok.path("operationId").asText();
        String failedId = failed.path("operationId").asText();
        assertThat(rows).containsExactly("command true " + okId, "operation true " + okId,
                "command false " + failedId, "operation false " + failedId, "operation false " + cancelledId);
        entries.forEach(t -> {
            assertThat(t.path("transactionId").asText()).startsWith("t-");
            assertThat(t.path("deviceRef").asText()).isEqualTo(FR_PHONE);
            assertThat(t.path("line").asText()).isEqualTo(FR_LINE);
            assertThat(t.path("time").asText()).isNotEmpty();
        });
        assertThat(entries.get(1).path("summary").asText()).isEqualTo("retrieve ./DevDetail/FwV: Succeeded 200");
        assertThat(entries.get(2).path("summary").asText()).isEqualTo("DELETE ./DevInfo/Man: 405");

        // the refused request is on the log of the client that made it, and only there
        JsonNode theirs = json(call("favorites", "GET", "/dmwsi/v1/transactions?deviceRef=" + FR_PHONE, null))
                .path("transactionList").path("transaction");
        assertThat(theirs).singleElement().satisfies(t -> {
            assertThat(t.path("success").isBoolean()).as("false is shown too").isTrue();
            assertThat(t.path("success").asBoolean()).isFalse();
            assertThat(t.path("summary").asText()).startsWith("retrieve ./DevInfo: refused (");
        });
        assertThat(json(call("uk-shop", "GET", "/dmwsi/v1/transactions", null)).path("transactionList")
                .path("transaction")).isEmpty();

        // CSV for billing: a header and a row per entry, paged with a Link
        HttpResponse<String> csv = rest.call("care", ALL_SCOPES, "GET", "/dmwsi/v1/transactions?deviceRef=" + FR_PHONE
                + "&limit=2", null, Map.of("Accept", "text/csv"));
        assertThat(csv.statusCode()).isEqualTo(200);
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("transactionId,time,kind,deviceRef,line,subscriber,operationId,jobId,success,summary");
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).contains("operation", FR_PHONE, "true", "retrieve ./DevDetail/FwV: Succeeded 200");
        assertThat(csv.headers().firstValue("link").orElseThrow()).contains("pageToken=").endsWith("rel=\"next\"");
        // bad input: the contract's error, as JSON
        assertError(call("care", "GET", "/dmwsi/v1/transactions?from=yesterday", null), 400, "SVC0002");
        assertError(rest.call("care", "oma_dmwsi.read", "GET", "/dmwsi/v1/transactions", null), 403, "POL2003");
    }

    @Test
    void aClientOverItsRateIsToldToWaitAndOneWithoutAPolicyReachesNothing() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 3; i++) {
            last = call("slow", "GET", "/dmwsi/v1/devices", null);
            statuses.add(last.statusCode());
        }
        assertThat(statuses).containsExactly(200, 200, 429);
        assertError(last, 429, "POL2005");
        assertThat(Integer.parseInt(last.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 5);

        assertError(call("stranger", "GET", "/dmwsi/v1/devices", null), 403, "POL0001");
        assertError(operate("stranger", "{\"type\":\"retrieve\",\"deviceRef\":\"" + UK_WATCH + "\"}"), 403, "POL0001");
        assertThat(call("stranger", "GET", "/dmwsi/v1", null).statusCode()).as("discovery shows no device")
                .isEqualTo(200);
    }
}
