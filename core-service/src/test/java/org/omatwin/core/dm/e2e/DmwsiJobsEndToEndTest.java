package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.omatwin.proto.dmwsi.v1.JobServiceGrpc;
import org.omatwin.proto.dmwsi.v1.WatchJobRequest;
import org.omatwin.proto.dmwsi.v1.WatchJobResponse;
import org.omatwin.testsupport.LocalIssuer;

/**
 * Bulk jobs (section 5) over REST and gRPC against a real core (PostgreSQL, the embedded edge, the
 * TLS device port) with reference DM clients as the fleet: each target kind, each results mode, the
 * schedule, pacing, the abort threshold, cancel, the per-execution timeout, refusals whole and per
 * device, and results that match what each device reported.
 */
class DmwsiJobsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IMEI = new AtomicInteger(600_000);
    private static final AtomicInteger FIRMWARE = new AtomicInteger(10);
    private static final int MAX_JOBS = 6;

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;
    private static ManagedChannel channel;
    private static final List<DeviceAgent> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        core = CoreServer.start(DmTestCores.config(issuer, Files.createTempDirectory("dmwsi-jobs"), Map.of(
                "TWIN_DM_POLICIES", DmTestCores.policies("jobs.json"),
                "TWIN_DM_MAX_JOBS_PER_CLIENT", String.valueOf(MAX_JOBS),
                "TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1", "TWIN_NOTIFY_BACKOFF_MS", "100")));
        rest = new DmwsiRest(core, issuer);
        channel = NettyChannelBuilder.forTarget(core.grpcTarget()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        running.forEach(DeviceAgent::stop);
        channel.shutdownNow();
        core.close();
        issuer.close();
    }

    private static String newDevId() {
        return "urn:imei:35693804" + String.format("%07d", IMEI.incrementAndGet());
    }

    /** A device known to the server (it ran one session), running its loop when {@code online}. */
    private static String device(String firmware, String line, boolean online) throws Exception {
        String devId = newDevId();
        DeviceAgent agent = DmTestCores.device(core, issuer, devId, firmware, line, Executors.newCachedThreadPool());
        assertThat(agent.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        if (online) {
            agent.runLoop(30);
            running.add(agent);
        }
        return devId;
    }

    private static List<String> devices(int n, String firmware, boolean online) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(device(firmware, null, online));
        }
        return out;
    }

    private static String firmware() {
        return "7." + FIRMWARE.incrementAndGet() + ".0";
    }

    private static HttpResponse<String> post(String client, String job) throws Exception {
        return rest.call(client, "oma_dmwsi.jobs", "POST", "/dmwsi/v1/jobs", "{\"job\":" + job + "}");
    }

    private static JsonNode create(String client, String job) throws Exception {
        HttpResponse<String> r = post(client, job);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(r.body()).path("job");
        assertThat(r.headers().firstValue("Location")).contains(created.path("resourceURL").asText());
        return created;
    }

    private static JsonNode get(String client, String jobId) throws Exception {
        HttpResponse<String> r = rest.call(client, "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs/" + jobId, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("job");
    }

    private static JsonNode awaitEnded(String client, String jobId, Duration within) throws Exception {
        Instant until = Instant.now().plus(within);
        JsonNode job;
        do {
            job = get(client, jobId);
            if (job.has("endedTime")) {
                return job;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(until));
        throw new AssertionError("job never ended: " + job);
    }

    /** Every execution of the job, read page by page (limit 2, to go through page tokens). */
    private static List<JsonNode> executions(String client, String jobId, String state) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String token = null;
        do {
            String query = "?limit=2" + (state == null ? "" : "&state=" + state)
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpResponse<String> r = rest.call(client, "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs/" + jobId
                    + "/executions" + query, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode list = JSON.readTree(r.body()).path("jobExecutionList");
            list.path("jobExecution").forEach(all::add);
            token = list.has("nextPageToken") ? list.path("nextPageToken").asText() : null;
        } while (token != null);
        return all;
    }

    private static String value(JsonNode execution, String uri) {
        for (JsonNode r : execution.path("results")) {
            if (r.path("uri").asText().equals(uri)) {
                return r.path("value").asText();
            }
        }
        return null;
    }

    private static Map<String, Long> counts(JsonNode job) {
        Map<String, Long> counts = new HashMap<>();
        job.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    private static void assertError(HttpResponse<String> r, int status, String messageId) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = JSON.readTree(r.body()).path("requestError");
        String id = e.has("serviceException") ? e.path("serviceException").path("messageId").asText()
                : e.path("policyException").path("messageId").asText();
        assertThat(id).as(r.body()).isEqualTo(messageId);
    }

    private static String quoted(List<String> values) {
        return "[\"" + String.join("\",\"", values) + "\"]";
    }

    @Test
    void aFilterJobReadsDevDetailFromEveryMatchingDeviceAndEachResultIsWhatThatDeviceReported() throws Exception {
        String fw = firmware();
        List<String> fleet = devices(3, fw, true);
        device(firmware(), null, true); // another model version: not matched

        JsonNode job = create("noc", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail\"]},"
                + "\"targets\":{\"filter\":\"fwV==" + fw + "\"}}");
        assertThat(job.path("state").asText()).isIn("Scheduled", "Running");
        JsonNode ended = awaitEnded("noc", job.path("jobId").asText(), Duration.ofSeconds(60));

        assertThat(ended.path("state").asText()).isEqualTo("Completed");
        assertThat(counts(ended)).isEqualTo(Map.of("Succeeded", 3L));
        List<JsonNode> executions = executions("noc", job.path("jobId").asText(), null);
        assertThat(executions).extracting(e -> e.path("deviceRef").asText()).containsExactlyElementsOf(
                fleet.stream().sorted().toList());
        for (JsonNode e : executions) {
            assertThat(e.path("state").asText()).isEqualTo("Succeeded");
            assertThat(value(e, "./DevDetail/FwV")).isEqualTo(fw);
        }
        assertThat(executions("noc", job.path("jobId").asText(), "Failed")).isEmpty();

        // the transaction log has the job's own entries and each execution's operation, for this client
        HttpResponse<String> log = rest.call("noc", "oma_dmwsi.audit", "GET", "/dmwsi/v1/transactions?jobId="
                + job.path("jobId").asText() + "&limit=100", null);
        assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
        List<String> summaries = JSON.readTree(log.body()).path("transactionList").path("transaction")
                .findValuesAsText("summary");
        assertThat(summaries).anyMatch(s -> s.startsWith("job retrieve on the devices matching a filter"));
        assertThat(summaries.stream().filter(s -> s.startsWith("retrieve ./DevDetail: Succeeded"))).hasSize(3);
        assertThat(summaries).anyMatch(s -> s.startsWith("job ended Completed: 3 succeeded"));

        // another client sees neither the job nor its executions
        assertError(rest.call("other", "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs/" + job.path("jobId").asText(),
                null), 404, "SVC2008");
        assertError(rest.call("other", "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs/" + job.path("jobId").asText()
                + "/executions", null), 404, "SVC2008");
    }

    @Test
    void aDeviceListRejectsUnknownDevicesAndDevicesOutsideThePolicyEachWithItsReason() throws Exception {
        String inReach = device(firmware(), "tel:+447700900301", true);
        String outside = device(firmware(), "tel:+33612345678", true);
        JsonNode job = create("uk-shop", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"devices\":" + quoted(List.of(inReach, outside, "urn:imei:000000000000000",
                        "tel:+447700900301")) + "}}");
        JsonNode ended = awaitEnded("uk-shop", job.path("jobId").asText(), Duration.ofSeconds(60));
        assertThat(counts(ended)).isEqualTo(Map.of("Succeeded", 1L, "Rejected", 3L));
        List<JsonNode> executions = executions("uk-shop", job.path("jobId").asText(), null);
        assertThat(executions).extracting(e -> e.path("target").asText()).containsExactly(inReach, outside,
                "urn:imei:000000000000000", "tel:+447700900301");
        assertThat(executions).extracting(e -> e.path("state").asText()).containsExactly("Succeeded", "Rejected",
                "Rejected", "Rejected");
        assertThat(executions.get(1).path("reason").asText()).isEqualTo("outside the caller's policy");
        assertThat(executions.get(2).path("reason").asText()).isEqualTo("unknown device");
        assertThat(executions.get(3).path("reason").asText()).contains("the same device as another target");
        assertThat(executions.get(1).has("deviceRef")).isFalse();
    }

    @Test
    void usersTargetEveryDeviceOnEachLineAndALineWithoutDevicesIsRejected() throws Exception {
        String phone = device(firmware(), "tel:+447700900555", true);
        String watch = device(firmware(), "tel:+447700900555", true);
        JsonNode job = create("noc", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"users\":[\"tel:+447700900555\",\"tel:+447700900556\"]}}");
        JsonNode ended = awaitEnded("noc", job.path("jobId").asText(), Duration.ofSeconds(60));
        assertThat(counts(ended)).isEqualTo(Map.of("Succeeded", 2L, "Rejected", 1L));
        List<JsonNode> executions = executions("noc", job.path("jobId").asText(), "Succeeded");
        assertThat(executions).extracting(e -> e.path("deviceRef").asText())
                .containsExactlyInAnyOrder(phone, watch);
        assertThat(executions("noc", job.path("jobId").asText(), "Rejected")).singleElement()
                .satisfies(e -> assertThat(e.path("target").asText()).isEqualTo("tel:+447700900556"));
    }

    @Test
    void pushEachDeliversResultsInBatchesAndPushOnCompletionOnceWithTheCounts() throws Exception {
        String fw = firmware();
        List<String> fleet = devices(3, fw, true);
        try (Listener each = Listener.accepting(); Listener completion = Listener.accepting();
                Listener subscribed = Listener.accepting()) {
            HttpResponse<String> s = rest.call("ops", "oma_dmwsi.subscribe", "POST", "/dmwsi/v1/subscriptions",
                    "{\"dmSubscription\":{\"callbackReference\":{\"notifyURL\":\"" + subscribed.url()
                            + "\"},\"eventTypes\":[\"jobCompleted\"]}}");
            assertThat(s.statusCode()).as(s.body()).isEqualTo(201);

            JsonNode pushed = create("ops", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                    + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"results\":{\"mode\":\"pushEach\","
                    + "\"callbackReference\":{\"notifyURL\":\"" + each.url() + "\",\"callbackData\":\"batch-7\"}}}");
            awaitEnded("ops", pushed.path("jobId").asText(), Duration.ofSeconds(60));
            List<JsonNode> results = new ArrayList<>();
            Instant until = Instant.now().plusSeconds(20);
            while (results.size() < 3 && Instant.now().isBefore(until)) {
                results.clear();
                for (Listener.Received r : each.all()) {
                    JsonNode n = r.body().path("dmNotification");
                    assertThat(n.path("eventType").asText()).isEqualTo("jobResults");
                    assertThat(n.path("callbackData").asText()).isEqualTo("batch-7");
                    n.path("executions").forEach(results::add);
                }
                Thread.sleep(100);
            }
            assertThat(results).extracting(e -> e.path("deviceRef").asText())
                    .containsExactlyInAnyOrderElementsOf(fleet);
            assertThat(results).allSatisfy(e -> assertThat(value(e, "./DevDetail/FwV")).isEqualTo(fw));

            JsonNode once = create("ops", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                    + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"results\":{\"mode\":\"pushOnCompletion\","
                    + "\"callbackReference\":{\"notifyURL\":\"" + completion.url() + "\"}}}");
            awaitEnded("ops", once.path("jobId").asText(), Duration.ofSeconds(60));
            JsonNode done = completion.await(1, Duration.ofSeconds(20)).getFirst().body().path("dmNotification");
            assertThat(done.path("eventType").asText()).isEqualTo("jobCompleted");
            assertThat(done.path("job").path("jobId").asText()).isEqualTo(once.path("jobId").asText());
            assertThat(done.path("job").path("counts").path("Succeeded").asLong()).isEqualTo(3);
            Thread.sleep(500);
            assertThat(completion.all()).hasSize(1);

            // the client's jobCompleted subscription heard of both jobs
            assertThat(subscribed.await(2, Duration.ofSeconds(20))).extracting(
                    r -> r.body().path("dmNotification").path("job").path("jobId").asText())
                    .containsExactlyInAnyOrder(pushed.path("jobId").asText(), once.path("jobId").asText());
        }
    }

    @Test
    void aJobScheduledInTheFutureWaitsThenRunsAndAnEndTimeInThePastIsRefused() throws Exception {
        List<String> fleet = devices(1, firmware(), true);
        Instant start = Instant.now().plusSeconds(3);
        JsonNode job = create("planner", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"schedule\":{\"startTime\":\"" + start + "\"}}");
        assertThat(job.path("state").asText()).isEqualTo("Scheduled");
        Thread.sleep(1_000);
        assertThat(get("planner", job.path("jobId").asText()).path("state").asText()).isEqualTo("Scheduled");
        JsonNode ended = awaitEnded("planner", job.path("jobId").asText(), Duration.ofSeconds(60));
        assertThat(ended.path("state").asText()).isEqualTo("Completed");
        Instant deliveredAt = Instant.parse(executions("planner", job.path("jobId").asText(), null).getFirst()
                .path("endedTime").asText());
        assertThat(deliveredAt).isAfterOrEqualTo(start);

        assertError(post("planner", "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":"
                + quoted(fleet) + "},\"schedule\":{\"endTime\":\"" + Instant.now().minusSeconds(5) + "\"}}"),
                400, "SVC0002");
    }

    @Test
    void anEndTimeReachedMidJobCancelsWhatWasNotDelivered() throws Exception {
        List<String> offline = devices(3, firmware(), false);
        JsonNode job = create("planner", "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":"
                + quoted(offline) + "},\"schedule\":{\"endTime\":\"" + Instant.now().plusSeconds(2) + "\"}}");
        JsonNode ended = awaitEnded("planner", job.path("jobId").asText(), Duration.ofSeconds(30));
        assertThat(ended.path("state").asText()).isEqualTo("Completed");
        assertThat(counts(ended)).isEqualTo(Map.of("Cancelled", 3L));
        assertThat(executions("planner", job.path("jobId").asText(), null)).allSatisfy(
                e -> assertThat(e.path("reason").asText()).isEqualTo("the job's endTime passed before delivery"));
    }

    @Test
    void pacingSpreadsExecutionsOverTheMinute() throws Exception {
        List<String> fleet = devices(3, firmware(), true);
        // 20 per minute: one at once, then one every 3 s
        JsonNode job = create("pacer", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"rollout\":{\"maxPerMinute\":20}}");
        JsonNode ended = awaitEnded("pacer", job.path("jobId").asText(), Duration.ofSeconds(60));
        assertThat(counts(ended)).isEqualTo(Map.of("Succeeded", 3L));
        List<Instant> times = executions("pacer", job.path("jobId").asText(), null).stream()
                .map(e -> Instant.parse(e.path("endedTime").asText())).sorted().toList();
        assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThan(Duration.ofMillis(2_000));
        assertThat(Duration.between(times.get(1), times.get(2))).isGreaterThan(Duration.ofMillis(2_000));
    }

    @Test
    void theAbortThresholdStopsAFailingJobAndCancelsTheRest() throws Exception {
        List<String> fleet = devices(4, firmware(), true);
        JsonNode job = create("pacer", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./No/Such/Node\"]},"
                + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"rollout\":{\"maxPerMinute\":30},"
                + "\"abort\":{\"failureThresholdPercent\":50,\"minExecuted\":2}}");
        JsonNode ended = awaitEnded("pacer", job.path("jobId").asText(), Duration.ofSeconds(60));
        assertThat(ended.path("state").asText()).isEqualTo("Aborted");
        assertThat(ended.path("stateReason").asText()).contains("2 of 2 executions failed");
        assertThat(counts(ended)).isEqualTo(Map.of("Failed", 2L, "Cancelled", 2L));
    }

    @Test
    void cancelMidJobCancelsEveryUndeliveredExecution() throws Exception {
        List<String> offline = devices(3, firmware(), false);
        JsonNode job = create("canceller", "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":"
                + quoted(offline) + "},\"rollout\":{\"maxPerMinute\":1}}");
        String jobId = job.path("jobId").asText();
        Instant until = Instant.now().plusSeconds(20);
        while (executions("canceller", jobId, null).stream().noneMatch(e -> e.has("operationId"))) {
            assertThat(Instant.now()).isBefore(until);
            Thread.sleep(100);
        }
        HttpResponse<String> cancel = rest.call("canceller", "oma_dmwsi.jobs", "POST", "/dmwsi/v1/jobs/" + jobId
                + "/cancel", "{}");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(JSON.readTree(cancel.body()).path("job").path("state").asText()).isEqualTo("Cancelled");
        JsonNode ended = awaitEnded("canceller", jobId, Duration.ofSeconds(30));
        assertThat(ended.path("state").asText()).isEqualTo("Cancelled");
        assertThat(counts(ended)).isEqualTo(Map.of("Cancelled", 3L));
        // the dispatched one's operation was cancelled too: nothing is left pending for that device
        assertThat(executions("canceller", jobId, null)).filteredOn(e -> e.has("operationId")).hasSize(1);
    }

    @Test
    void anExecutionTimesOutOnItsOwnClock() throws Exception {
        List<String> offline = devices(1, firmware(), false);
        JsonNode job = create("timer", "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":"
                + quoted(offline) + "},\"timeoutSeconds\":1}");
        JsonNode ended = awaitEnded("timer", job.path("jobId").asText(), Duration.ofSeconds(30));
        assertThat(ended.path("state").asText()).isEqualTo("Completed");
        assertThat(counts(ended)).isEqualTo(Map.of("TimedOut", 1L));
    }

    @Test
    void aJobBreakingTheNodeRulesIsRefusedWholeAndNothingIsCreated() throws Exception {
        List<String> fleet = devices(1, firmware(), false);
        HttpResponse<String> r = post("uk-shop", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevInfo\"]},"
                + "\"targets\":{\"devices\":" + quoted(fleet) + "}}");
        assertError(r, 403, "POL0001");
        assertThat(r.body()).contains("./DevInfo");
        HttpResponse<String> list = rest.call("uk-shop", "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs", null);
        assertThat(JSON.readTree(list.body()).path("jobList").path("job").size()).isZero();
        // a pseudonymous client may not pick devices by line
        assertError(post("apps", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail\"]},"
                + "\"targets\":{\"filter\":\"line==\\\"tel:+44*\\\"\"}}"), 403, "POL0001");
    }

    @Test
    void aPseudonymousClientSeesItsDevicesOnlyAsPseudonyms() throws Exception {
        String fw = firmware();
        List<String> fleet = devices(2, fw, true);
        JsonNode job = create("apps", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"filter\":\"fwV==" + fw + "\"}}");
        awaitEnded("apps", job.path("jobId").asText(), Duration.ofSeconds(60));
        HttpResponse<String> r = rest.call("apps", "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs/"
                + job.path("jobId").asText() + "/executions", null);
        assertThat(r.body()).doesNotContain(fleet.get(0)).doesNotContain(fleet.get(1)).contains("pid:");
        List<JsonNode> executions = executions("apps", job.path("jobId").asText(), "Succeeded");
        assertThat(executions).hasSize(2).allSatisfy(e -> {
            assertThat(e.path("deviceRef").asText()).startsWith("pid:");
            assertThat(e.path("target").asText()).isEqualTo(e.path("deviceRef").asText());
        });
        // and the pseudonyms work as deviceRefs of its next job
        JsonNode again = create("apps", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"devices\":" + quoted(executions.stream().map(e -> e.path("deviceRef").asText())
                        .toList()) + "}}");
        assertThat(counts(awaitEnded("apps", again.path("jobId").asText(), Duration.ofSeconds(60))))
                .isEqualTo(Map.of("Succeeded", 2L));
    }

    @Test
    void clientCorrelatorBadInputAndTheLimitOfRunningJobs() throws Exception {
        List<String> fleet = devices(1, firmware(), false);
        String body = "{\"clientCorrelator\":\"nightly-1\",\"operation\":{\"type\":\"inventory\"},"
                + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"schedule\":{\"startTime\":\""
                + Instant.now().plusSeconds(3_600) + "\"}}";
        JsonNode first = create("batcher", body);
        HttpResponse<String> again = post("batcher", body);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("job").path("jobId").asText())
                .isEqualTo(first.path("jobId").asText());
        assertError(post("batcher", body.replace("inventory", "retrieve")), 409, "SVC2007");

        for (String bad : List.of(
                "{\"targets\":{\"devices\":" + quoted(fleet) + "}}",
                "{\"operation\":{\"type\":\"inventory\"}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + ",\"filter\":\"man==x\"}}",
                "{\"operation\":{\"type\":\"inventory\",\"deviceRef\":\"" + fleet.getFirst() + "\"},"
                        + "\"targets\":{\"devices\":" + quoted(fleet) + "}}",
                "{\"operation\":{\"type\":\"fly\"},\"targets\":{\"devices\":" + quoted(fleet) + "}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"filter\":\"man=~x\"}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"users\":[\"alice\"]}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + "},\"rollout\":{\"maxPerMinute\":0}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + "},\"abort\":{\"failureThresholdPercent\":101}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + "},\"results\":{\"mode\":\"pushEach\"}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + "},\"results\":{\"mode\":\"sometimes\"}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + "},\"results\":{\"mode\":\"pushEach\",\"callbackReference\":{\"notifyURL\":"
                        + "\"http://10.0.0.1/x\"}}}",
                "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(fleet)
                        + "},\"state\":\"Completed\"}")) {
            HttpResponse<String> r = post("batcher", bad);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isBetween(400, 403);
        }
        HttpResponse<String> list = rest.call("batcher", "oma_dmwsi.jobs", "GET", "/dmwsi/v1/jobs", null);
        assertThat(JSON.readTree(list.body()).path("jobList").path("job").size()).isEqualTo(1);

        for (int i = 1; i < MAX_JOBS; i++) {
            create("batcher", body.replace("nightly-1", "nightly-" + (i + 1)));
        }
        HttpResponse<String> tooMany = post("batcher", body.replace("nightly-1", "one-more"));
        assertError(tooMany, 429, "POL2005");
        assertThat(tooMany.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aLongDeviceListIsTakenUpToItsDeclaredLimitAndEachUnknownDeviceIsRejected() throws Exception {
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            unknown.add("urn:imei:99" + String.format("%013d", i));
        }
        String body = "{\"operation\":{\"type\":\"inventory\"},\"targets\":{\"devices\":" + quoted(unknown) + "}}";
        assertThat(body.length()).isGreaterThan(100_000); // far above the edge's 16 KiB default
        JsonNode job = create("bulk", body);
        JsonNode ended = awaitEnded("bulk", job.path("jobId").asText(), Duration.ofSeconds(120));
        assertThat(counts(ended)).isEqualTo(Map.of("Rejected", 5_000L));
        assertThat(ended.path("targets").has("devices")).isFalse(); // the list is not echoed back

        StringBuilder huge = new StringBuilder("{\"job\":{\"operation\":{\"type\":\"inventory\"},\"targets\":"
                + "{\"devices\":[");
        while (huge.length() < 8 * 1024 * 1024 + 1_000) {
            huge.append("\"urn:imei:990000000000000\",");
        }
        huge.append("\"urn:imei:990000000000000\"]}}}");
        assertError(rest.call("bulk", "oma_dmwsi.jobs", "POST", "/dmwsi/v1/jobs", huge.toString()), 413, "SVC0002");
    }

    @Test
    void watchJobStreamsProgressUntilTheJobEnds() throws Exception {
        List<String> fleet = devices(2, firmware(), true);
        JsonNode job = create("watcher", "{\"operation\":{\"type\":\"retrieve\",\"uris\":[\"./DevDetail/FwV\"]},"
                + "\"targets\":{\"devices\":" + quoted(fleet) + "},\"rollout\":{\"maxPerMinute\":30}}");
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + issuer.token("watcher", "oma_dmwsi.jobs"));
        var stub = JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        List<WatchJobResponse> seen = new ArrayList<>();
        stub.watchJob(WatchJobRequest.newBuilder().setJobId(job.path("jobId").asText()).build())
                .forEachRemaining(seen::add);
        assertThat(seen.size()).isGreaterThanOrEqualTo(2);
        var last = seen.getLast().getJob();
        assertThat(last.hasEndedTime()).isTrue();
        assertThat(last.getCountsMap()).containsEntry("Succeeded", 2);
        assertThat(seen).extracting(w -> w.getJob().getCountsMap().getOrDefault("Succeeded", 0)).isSorted();
    }
}
