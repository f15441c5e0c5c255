package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.e2e.DmwsiOperationsEndToEndTest.assertError;
import static org.omatwin.core.dm.e2e.DmwsiOperationsEndToEndTest.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.dm.DmTestCores;
import org.omatwin.core.support.Listener;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.dmclient.ManagementTree;
import org.omatwin.dmclient.Wire;
import org.omatwin.testsupport.LocalIssuer;

/**
 * Section 7 over real sockets: results pushed to an operation's callbackReference, and event
 * subscriptions (per device and for every device) delivered through the outbox to a real HTTP
 * listener, with the reference DM client as the device: what each subscriber hears, in order, with a
 * stable X-Notification-Id across retries; what another client never hears; the subscription resource
 * itself (clientCorrelator, 404 for others, delete, bad input).
 */
class DmwsiEventsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IMEI = new AtomicInteger(300_000);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dmwsi-events"), Map.of(
                "TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1", "TWIN_NOTIFY_BACKOFF_MS", "100")));
        rest = new DmwsiRest(core, issuer);
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
        issuer.close();
    }

    private static String newDevId() {
        return "urn:imei:35693803" + String.format("%07d", IMEI.incrementAndGet());
    }

    /** A device that has talked to the server once (so that it is known), its loop not running. */
    private static DeviceAgent knownDevice(String devId) throws Exception {
        DeviceAgent device = DmTestCores.device(core, issuer, devId, "4.2.0", Executors.newCachedThreadPool());
        assertThat(device.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        return device;
    }

    private static HttpResponse<String> call(String client, String scope, String method, String path, String body)
            throws Exception {
        return rest.call(client, scope, method, path, body);
    }

    private static JsonNode subscribe(String client, String subscription) throws Exception {
        HttpResponse<String> r = call(client, "oma_dmwsi.subscribe", "POST", "/dmwsi/v1/subscriptions",
                "{\"dmSubscription\":" + subscription + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Location")).isPresent();
        return JSON.readTree(r.body()).path("dmSubscription");
    }

    private static String operate(String client, String operation) throws Exception {
        HttpResponse<String> r = call(client, "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations",
                "{\"operation\":" + operation + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("operation").path("operationId").asText();
    }

    private static JsonNode notification(Listener.Received r) {
        return r.body().path("dmNotification");
    }

    private static List<String> eventTypes(List<Listener.Received> received) {
        return received.stream().map(r -> notification(r).path("eventType").asText()).toList();
    }

    @Test
    void anOperationsResultIsPushedToItsCallbackReference() throws Exception {
        String devId = newDevId();
        DeviceAgent phone = knownDevice(devId);
        try (Listener listener = Listener.accepting()) {
            String id = operate("care-push", "{\"type\":\"retrieve\",\"deviceRef\":\"" + devId
                    + "\",\"uris\":[\"./DevDetail\"],\"callbackReference\":{\"notifyURL\":\"" + listener.url()
                    + "\",\"callbackData\":\"ticket-42\"}}");
            assertThat(phone.pollAndRun(0).get(20, TimeUnit.SECONDS)).isPresent();

            List<Listener.Received> got = listener.await(1, WAIT);
            assertThat(got).singleElement().satisfies(r -> {
                JsonNode n = notification(r);
                assertThat(r.notificationId()).isNotBlank();
                assertThat(n.path("eventType").asText()).isEqualTo("operationCompleted");
                assertThat(n.path("callbackData").asText()).isEqualTo("ticket-42");
                assertThat(n.path("deviceRef").asText()).isEqualTo(devId);
                assertThat(n.path("operation").path("operationId").asText()).isEqualTo(id);
                assertThat(n.path("operation").path("state").asText()).isEqualTo("Succeeded");
                assertThat(value(n.path("operation").path("results"), "./DevDetail/FwV")).isEqualTo("4.2.0");
                assertThat(n.path("link").get(0).path("rel").asText()).isEqualTo("operation");
                assertThat(n.path("link").get(0).path("href").asText()).endsWith("/dmwsi/v1/operations/" + id);
                assertThat(n.path("eventTime").asText()).isNotEmpty();
            });
            JsonNode op = JSON.readTree(call("care-push", "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + id,
                    null).body()).path("operation");
            assertThat(op.path("callbackReference").path("notifyURL").asText()).isEqualTo(listener.url());
            Thread.sleep(500);
            assertThat(listener.all()).as("pushed once").hasSize(1);
        }
    }

    @Test
    void subscribersHearTheirDevicesEventsInOrderAndNeverAnotherClientsOperations() throws Exception {
        String devId = newDevId();
        DeviceAgent watch = knownDevice(devId);
        try (Listener noc = Listener.accepting(); Listener other = Listener.accepting()) {
            JsonNode nocSub = subscribe("noc", "{\"callbackReference\":{\"notifyURL\":\"" + noc.url()
                    + "\",\"callbackData\":\"noc-1\"},\"eventTypes\":[\"nodeChanged\",\"fault\",\"firmwareChanged\","
                    + "\"operationCompleted\"],\"deviceRefs\":[\"" + devId + "\"]}");
            assertThat(nocSub.path("deviceRefs").get(0).asText()).isEqualTo(devId);
            // another client, every device, alerts of the fault type and operations' ends
            subscribe("other-sp", "{\"callbackReference\":{\"notifyURL\":\"" + other.url() + "\"},"
                    + "\"eventTypes\":[\"alert\",\"operationCompleted\"],"
                    + "\"alertTypes\":[\"urn:oma:dm:alert:fault\"]}");

            // noc's SUB reaches the device: its end is noc's alone
            String subscribeNode = operate("noc", "{\"type\":\"subscribeNode\",\"deviceRef\":\"" + devId
                    + "\",\"uri\":\"./DevDetail/FwV\"}");
            assertThat(watch.pollAndRun(0).get(20, TimeUnit.SECONDS)).isPresent();
            assertThat(noc.await(1, WAIT)).hasSize(1);

            // the device changes the node itself, reports a fault, then starts a session with the new version
            watch.tree().setText("./DevDetail/FwV", "4.3.0", ManagementTree.Origin.DEVICE);
            watch.sendNodeChanges().get(20, TimeUnit.SECONDS);
            watch.sendAlert(new Wire.Alert("fault-1", "urn:oma:dm:alert:fault", "./DevDetail", null, null,
                    "critical", JSON.readTree("{\"code\":\"E42\"}"), null)).get(20, TimeUnit.SECONDS);
            watch.clientInitiated().get(20, TimeUnit.SECONDS);

            List<Listener.Received> heard = noc.await(4, WAIT);
            assertThat(eventTypes(heard)).containsExactly("operationCompleted", "nodeChanged", "fault",
                    "firmwareChanged");
            assertThat(notification(heard.get(0)).path("operation").path("operationId").asText())
                    .isEqualTo(subscribeNode);
            JsonNode changed = notification(heard.get(1));
            assertThat(changed.path("alert").path("uri").asText()).isEqualTo("./DevDetail/FwV");
            assertThat(changed.path("alert").path("data").asText()).contains("4.3.0");
            assertThat(notification(heard.get(2)).path("alert").path("data").asText()).contains("E42");
            JsonNode firmware = notification(heard.get(3));
            assertThat(firmware.path("device").path("devDetail").path("fwV").asText()).isEqualTo("4.3.0");
            assertThat(heard).allSatisfy(r -> {
                assertThat(notification(r).path("callbackData").asText()).isEqualTo("noc-1");
                assertThat(notification(r).path("link").get(0).path("href").asText())
                        .endsWith("/dmwsi/v1/subscriptions/" + nocSub.path("subscriptionId").asText());
            });
            assertThat(heard.stream().map(Listener.Received::notificationId).distinct()).hasSize(4);

            List<Listener.Received> otherHeard = other.await(1, WAIT);
            Thread.sleep(500);
            otherHeard = other.all();
            assertThat(eventTypes(otherHeard)).as("the fault alert only: not the node-changed alert (another "
                    + "alert type), never noc's operation").containsExactly("alert");
            assertThat(notification(otherHeard.get(0)).path("alert").path("type").asText())
                    .isEqualTo("urn:oma:dm:alert:fault");
            assertThat(notification(otherHeard.get(0)).has("operation")).isFalse();

            String metrics = rest.get("/internal/metrics").body();
            assertThat(metrics).contains("dm_operations_ended_total{state=\"Succeeded\",type=\"subscribeNode\"}")
                    .contains("dm_alerts_received_total{type=\"urn:oma:dm:alert:fault\"}")
                    .contains("dm_alerts_received_total{type=\"urn:oma:dm:alert:node-changed\"}")
                    .contains("outbox_messages_total{kind=\"dm.firmwareChanged\",outcome=\"delivered\"}")
                    .contains("dm_notifications_queued_total")
                    .contains("dm_long_polls_held");
        }
    }

    @Test
    void aFailedDeliveryIsRetriedWithTheSameNotificationIdAndADeletedSubscriptionIsNotCalledAgain()
            throws Exception {
        String devId = newDevId();
        DeviceAgent device = knownDevice(devId);
        try (Listener flaky = new Listener(n -> n == 0 ? 503 : 204)) {
            JsonNode s = subscribe("ops", "{\"callbackReference\":{\"notifyURL\":\"" + flaky.url()
                    + "\"},\"eventTypes\":[\"alert\"],\"deviceRefs\":[\"" + devId + "\"]}");
            device.sendAlert(new Wire.Alert("a-1", "com.example.battery.low", null, null, null, null, null, null))
                    .get(20, TimeUnit.SECONDS);
            List<Listener.Received> got = flaky.await(2, WAIT);
            assertThat(got).hasSize(2);
            assertThat(got.get(0).answered()).isEqualTo(503);
            assertThat(got.get(1).notificationId()).isEqualTo(got.get(0).notificationId());
            assertThat(got.get(1).body()).isEqualTo(got.get(0).body());

            HttpResponse<String> deleted = call("ops", "oma_dmwsi.subscribe", "DELETE", "/dmwsi/v1/subscriptions/"
                    + s.path("subscriptionId").asText(), null);
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
            device.sendAlert(new Wire.Alert("a-2", "com.example.battery.low", null, null, null, null, null, null))
                    .get(20, TimeUnit.SECONDS);
            Thread.sleep(1_000);
            assertThat(flaky.all()).hasSize(2);
        }
    }

    @Test
    void theSubscriptionResourceIsIdempotentPrivateAndStrict() throws Exception {
        String devId = newDevId();
        knownDevice(devId);
        String body = "{\"callbackReference\":{\"notifyURL\":\"http://127.0.0.1:9/n\"},\"eventTypes\":[\"fault\"],"
                + "\"clientCorrelator\":\"sub-7\",\"duration\":3600}";
        JsonNode first = subscribe("cc-desk", body);
        assertThat(first.path("expiryTime").asText()).isNotEmpty();
        String path = "/dmwsi/v1/subscriptions/" + first.path("subscriptionId").asText();

        HttpResponse<String> again = call("cc-desk", "oma_dmwsi.subscribe", "POST", "/dmwsi/v1/subscriptions",
                "{\"dmSubscription\":" + body + "}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("dmSubscription").path("subscriptionId").asText())
                .isEqualTo(first.path("subscriptionId").asText());
        assertError(call("cc-desk", "oma_dmwsi.subscribe", "POST", "/dmwsi/v1/subscriptions",
                "{\"dmSubscription\":" + body.replace("fault", "alert") + "}"), 409, "SVC2007");

        assertError(call("someone-else", "oma_dmwsi.subscribe", "GET", path, null), 404, "SVC2008");
        assertError(call("someone-else", "oma_dmwsi.subscribe", "DELETE", path, null), 404, "SVC2008");
        assertThat(call("cc-desk", "oma_dmwsi.read", "GET", path, null).statusCode()).as("scope").isEqualTo(403);
        JsonNode list = JSON.readTree(call("cc-desk", "oma_dmwsi.subscribe", "GET", "/dmwsi/v1/subscriptions", null)
                .body()).path("dmSubscriptionList");
        assertThat(list.path("dmSubscription").findValuesAsText("subscriptionId"))
                .containsExactly(first.path("subscriptionId").asText());

        String notify = "\"callbackReference\":{\"notifyURL\":\"http://127.0.0.1:9/n\"}";
        for (String bad : List.of(
                "{" + notify + "}",
                "{" + notify + ",\"eventTypes\":[\"everything\"]}",
                "{" + notify + ",\"eventTypes\":[\"fault\",\"fault\"]}",
                "{" + notify + ",\"eventTypes\":[\"fault\"],\"alertTypes\":[\"x\"]}",
                "{" + notify + ",\"eventTypes\":[\"fault\"],\"duration\":0}",
                "{" + notify + ",\"eventTypes\":[\"fault\"],\"subscriptionId\":\"mine\"}",
                "{" + notify + ",\"eventTypes\":[\"fault\"],\"colour\":\"red\"}",
                "{\"callbackReference\":{\"notifyURL\":\"http://10.1.2.3/n\"},\"eventTypes\":[\"fault\"]}",
                "{\"callbackReference\":{\"notifyURL\":\"ftp://127.0.0.1/n\"},\"eventTypes\":[\"fault\"]}",
                "{\"eventTypes\":[\"fault\"]}")) {
            HttpResponse<String> r = call("cc-desk", "oma_dmwsi.subscribe", "POST", "/dmwsi/v1/subscriptions",
                    "{\"dmSubscription\":" + bad + "}");
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).has("requestError")).as(r.body()).isTrue();
        }
        assertError(call("cc-desk", "oma_dmwsi.subscribe", "POST", "/dmwsi/v1/subscriptions",
                "{\"dmSubscription\":{" + notify + ",\"eventTypes\":[\"fault\"],\"deviceRefs\":[\"urn:imei:"
                        + "490154203237518\"]}}"), 404, "SVC0004");
        list = JSON.readTree(call("cc-desk", "oma_dmwsi.subscribe", "GET", "/dmwsi/v1/subscriptions", null)
                .body()).path("dmSubscriptionList");
        assertThat(list.path("dmSubscription").size()).as("nothing created by bad input").isEqualTo(1);

        HttpResponse<String> privateCallback = call("cc-desk", "oma_dmwsi.operate", "POST", "/dmwsi/v1/operations",
                "{\"operation\":{\"type\":\"inventory\",\"deviceRef\":\"" + devId + "\",\"callbackReference\":"
                        + "{\"notifyURL\":\"http://169.254.169.254/latest\"}}}");
        assertThat(privateCallback.statusCode()).as(privateCallback.body()).isEqualTo(400);
    }

    @Test
    void aRunningDiagnosticsFunctionReportsPeriodicallyUntilStoppedAndEachReportIsPushed() throws Exception {
        String devId = newDevId();
        DeviceAgent device = knownDevice(devId);
        var loop = device.runLoop(30);
        try (Listener listener = Listener.accepting()) {
            String startId = operate("diag-server", "{\"type\":\"diagnosticsStart\",\"deviceRef\":\"" + devId
                    + "\",\"function\":\"./DiagMon/1\",\"periodSeconds\":1,\"callbackReference\":{\"notifyURL\":\""
                    + listener.url() + "\"}}");
            // the first report (HPUT in the session), the operation's end, then one report a second
            List<Listener.Received> heard = listener.await(4, WAIT);
            assertThat(eventTypes(heard)).startsWith("uploadReceived", "operationCompleted", "uploadReceived");
            JsonNode periodic = notification(heard.get(2));
            assertThat(periodic.path("operation").path("operationId").asText()).isEqualTo(startId);
            JsonNode report = JSON.readTree(java.util.Base64.getDecoder().decode(
                    periodic.path("upload").path("content").asText()));
            assertThat(value(report.path("results"), "./DiagMon/1/Status")).isEqualTo("running");

            String stopId = operate("diag-server", "{\"type\":\"diagnosticsStop\",\"deviceRef\":\"" + devId
                    + "\",\"function\":\"./DiagMon/1\"}");
            HttpResponse<String> stop = call("diag-server", "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/" + stopId
                    + "?waitSeconds=20", null);
            assertThat(JSON.readTree(stop.body()).path("operation").path("state").asText()).as(stop.body())
                    .isEqualTo("Succeeded");
            JsonNode uploads = JSON.readTree(call("diag-server", "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/"
                    + startId + "/uploads?limit=500", null).body()).path("uploadList").path("upload");
            int kept = uploads.size();
            assertThat(kept).isGreaterThanOrEqualTo(2);
            Thread.sleep(2_500);
            uploads = JSON.readTree(call("diag-server", "oma_dmwsi.read", "GET", "/dmwsi/v1/operations/"
                    + startId + "/uploads?limit=500", null).body()).path("uploadList").path("upload");
            assertThat(uploads.size()).as("no report after the stop").isEqualTo(kept);
        } finally {
            device.stop();
            loop.cancel(true);
        }
    }
}
