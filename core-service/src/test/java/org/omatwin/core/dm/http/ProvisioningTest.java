package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.twinning.portal.SubscriberGrpcService;
import org.omatwin.proto.portal.v1.Line;
import org.omatwin.proto.portal.v1.ListLinesRequest;
import org.omatwin.proto.portal.v1.SubscriberServiceGrpc;

/**
 * ProvisioningService (dm-api.md section 3, ES9, ES12) over the embedded REST edge: the BSS replaces a
 * subscriber's lines, SIMs and devices; provisioned devices are bound; the portal's lines are these.
 */
class ProvisioningTest {
    private static final String SCOPE = "oma_dmwsi.provision";
    /** Valid ICCIDs (89, Luhn check digit). */
    private static final String ICCID_1 = "8944110000000000008";
    private static final String ICCID_2 = "89441100000000000017";

    private static DmHttp h;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        h = DmHttp.start(Map.of());
        channel = NettyChannelBuilder.forTarget(h.core.grpcTarget()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        h.close();
    }

    private static DmHttp.Resp put(String subscriber, String lines) {
        return h.dmwsi("PUT", "/subscribers/" + subscriber, "{\"subscriber\":{\"lines\":[" + lines + "]}}", SCOPE);
    }

    private static String line(String msisdn, String iccid, String... devices) {
        return "{\"msisdn\":\"" + msisdn + "\"" + (iccid == null ? "" : ",\"iccid\":\"" + iccid + "\"")
                + ",\"devices\":[" + String.join(",", java.util.Arrays.stream(devices).map(d -> "\"" + d + "\"")
                        .toList()) + "]}";
    }

    private static JsonNode get(String subscriber) {
        DmHttp.Resp r = h.dmwsi("GET", "/subscribers/" + subscriber, null, SCOPE);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("subscriber");
    }

    /** The device as {@code subscriber}'s DM account sees it (provisioned devices need not have been seen yet). */
    private static JsonNode accountDevice(String subscriber, String devId) {
        DmHttp.Resp r = h.raw("GET", "/devices/" + devId, h.issuer.token(subscriber, "oma_dm.account"), null, null,
                null);
        return r.status() == 404 ? h.JSON.missingNode() : r.json().path("device");
    }

    private static List<String> portalLines(String subscriber) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + h.issuer.token(subscriber, "openid " + SubscriberGrpcService.SCOPE));
        return SubscriberServiceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(m)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .listLines(ListLinesRequest.getDefaultInstance()).getLinesList().stream().map(Line::getAddress).toList();
    }

    @Test
    void aFullReplaceIsIdempotentBindsProvisionedDevicesAndThePortalShowsTheLines() {
        String phone = Devices.tel();
        String watchLine = Devices.tel();
        String watch = DmHttp.newDevId();
        String tablet = DmHttp.newDevId();
        String body = line(phone, ICCID_1, tablet) + "," + line(watchLine, ICCID_2, watch);

        DmHttp.Resp created = put("dora", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("location")).endsWith("/dmwsi/v1/subscribers/dora");
        JsonNode first = get("dora");
        assertThat(first.path("lines").findValuesAsText("msisdn")).containsExactlyInAnyOrder(phone, watchLine);
        assertThat(first.path("lines").findValuesAsText("iccid")).containsExactlyInAnyOrder(ICCID_1, ICCID_2);
        assertThat(accountDevice("dora", watch).path("binding").asText()).isEqualTo("Confirmed");
        assertThat(accountDevice("dora", watch).path("line").asText()).isEqualTo(watchLine);
        assertThat(portalLines("dora")).containsExactlyInAnyOrder(phone, watchLine);

        // the same body again: 200, the same data
        DmHttp.Resp again = put("dora", body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(get("dora").path("lines")).isEqualTo(first.path("lines"));

        // full replace: the watch's line is gone, and with it the binding provisioning gave the watch
        assertThat(put("dora", line(phone, ICCID_1, tablet)).status()).isEqualTo(200);
        assertThat(get("dora").path("lines").findValuesAsText("msisdn")).containsExactly(phone);
        assertThat(accountDevice("dora", watch).isMissingNode()).isTrue();
        assertThat(accountDevice("dora", tablet).path("line").asText()).isEqualTo(phone);
        assertThat(portalLines("dora")).containsExactly(phone);

        // delete: gone, 404 afterwards, and its devices are no longer bound
        assertThat(h.dmwsi("DELETE", "/subscribers/dora", null, SCOPE).status()).isEqualTo(204);
        assertThat(h.dmwsi("GET", "/subscribers/dora", null, SCOPE).status()).isEqualTo(404);
        assertThat(accountDevice("dora", tablet).isMissingNode()).isTrue();
        assertThat(portalLines("dora")).isEmpty();

        // every change is on the BSS client's transaction log (6.1): the subscriber's, and each device's
        DmHttp.Resp log = h.dmwsi("GET", "/transactions?deviceRef=" + watch, null, "oma_dmwsi.audit");
        assertThat(log.status()).as(log.body()).isEqualTo(200);
        List<String> watchLog = new java.util.ArrayList<>();
        log.json().path("transactionList").path("transaction").forEach(t -> {
            assertThat(t.path("kind").asText()).isEqualTo("provisioning");
            assertThat(t.path("subscriber").asText()).isEqualTo("dora");
            watchLog.add(t.path("summary").asText());
        });
        assertThat(watchLog).containsExactly("device bound to the subscriber's line",
                "device's binding from provisioning removed");
        List<String> all = new java.util.ArrayList<>();
        h.dmwsi("GET", "/transactions?limit=500", null, "oma_dmwsi.audit").json().path("transactionList")
                .path("transaction").forEach(t -> all.add(t.path("summary").asText()));
        assertThat(all).contains("subscriber created: 2 lines, 2 SIMs, 2 devices",
                "subscriber replaced: 1 lines, 1 SIMs, 1 devices", "subscriber deleted");
    }

    @Test
    void aLineItsSimAndItsDevicesMoveToTheSubscriberProvisionedLast() {
        String shared = Devices.tel();
        String device = DmHttp.newDevId();
        assertThat(put("erin", line(shared, ICCID_1, device) + "," + line(Devices.tel(), null)).status())
                .isEqualTo(201);
        assertThat(put("frank", line(shared, ICCID_1, device)).status()).isEqualTo(201);

        assertThat(get("erin").path("lines").findValuesAsText("msisdn")).doesNotContain(shared).hasSize(1);
        assertThat(get("frank").path("lines").findValuesAsText("msisdn")).containsExactly(shared);
        assertThat(get("frank").path("lines").get(0).path("devices").get(0).asText()).isEqualTo(device);
        assertThat(portalLines("erin")).doesNotContain(shared);
        assertThat(portalLines("frank")).containsExactly(shared);
        assertThat(accountDevice("frank", device).path("line").asText()).isEqualTo(shared);
        assertThat(accountDevice("erin", device).isMissingNode()).isTrue();
    }

    @Test
    void badInputIsRefusedWithTheContractsErrorAndChangesNothing() {
        String phone = Devices.tel();
        assertThat(put("gina", line(phone, ICCID_1)).status()).isEqualTo(201);
        JsonNode before = get("gina");

        record Bad(String body, int status, String messageId, String variable) {}
        String dev = DmHttp.newDevId();
        for (Bad bad : List.of(
                new Bad("{\"subscriber\":{\"lines\":[{\"msisdn\":\"" + Devices.tel() + "\",\"imsi\":\"1\"}]}}", 400,
                        "SVC2005", "imsi"),
                new Bad("{\"subscriber\":{\"lines\":[" + line("tel:0207 946 0000", null) + "]}}", 400, "SVC0002",
                        "subscriber.lines[0].msisdn"),
                new Bad("{\"subscriber\":{\"lines\":[" + line("447700900000", null) + "]}}", 400, "SVC0002",
                        "subscriber.lines[0].msisdn"),
                new Bad("{\"subscriber\":{\"lines\":[" + line(Devices.tel(), "8944110000000000004") + "]}}", 400,
                        "SVC0002", "subscriber.lines[0].iccid"),
                new Bad("{\"subscriber\":{\"lines\":[" + line(Devices.tel(), "12345") + "]}}", 400, "SVC0002",
                        "subscriber.lines[0].iccid"),
                new Bad("{\"subscriber\":{\"lines\":[" + line(Devices.tel(), null, "imei:1") + "]}}", 400, "SVC0002",
                        "subscriber.lines[0].devices"),
                new Bad("{\"subscriber\":{\"lines\":[" + line(Devices.tel(), null, dev) + "," + line(Devices.tel(), null,
                        dev) + "]}}", 400, "SVC0002", "subscriber.lines[1].devices"),
                new Bad("{\"subscriber\":{\"lines\":[" + line(phone, null) + "," + line(phone, null) + "]}}", 400,
                        "SVC0002", "subscriber.lines[1].msisdn"),
                new Bad("{\"subscriber\":{\"resourceURL\":\"x\",\"lines\":[]}}", 400, "SVC0002", "subscriber.resourceURL"),
                new Bad("{\"lines\":[]}", 400, "SVC2005", "lines"))) {
            DmHttp.Resp r = h.dmwsi("PUT", "/subscribers/gina", bad.body(), SCOPE);
            assertThat(r.status()).as(bad.body() + " -> " + r.body()).isEqualTo(bad.status());
            assertThat(r.body()).as(bad.body()).contains(bad.messageId()).contains(bad.variable());
            assertThat(get("gina").path("lines")).isEqualTo(before.path("lines"));
        }
        assertThat(accountDevice("gina", dev).isMissingNode()).isTrue();
        // an unknown subscriber, a malformed id, a client without the scope
        assertThat(h.dmwsi("GET", "/subscribers/nobody", null, SCOPE).status()).isEqualTo(404);
        assertThat(h.dmwsi("DELETE", "/subscribers/nobody", null, SCOPE).status()).isEqualTo(404);
        assertThat(h.dmwsi("GET", "/subscribers/a%20b", null, SCOPE).status()).isEqualTo(400);
        DmHttp.Resp noScope = h.dmwsi("PUT", "/subscribers/gina", "{\"subscriber\":{\"lines\":[]}}", "oma_dmwsi.read");
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(get("gina").path("lines")).isEqualTo(before.path("lines"));
    }

    @Test
    void theDiscoveryDocumentListsProvisioningAndItsScope() {
        JsonNode d = h.dmwsi("GET", "", null, "oma_dmwsi.read").json().path("discovery");
        List<String> resources = new java.util.ArrayList<>();
        d.path("resources").forEach(x -> resources.add(x.path("method").asText() + " " + x.path("path").asText()));
        assertThat(resources).contains("PUT /dmwsi/v1/subscribers/{subscriberId}",
                "GET /dmwsi/v1/subscribers/{subscriberId}", "DELETE /dmwsi/v1/subscribers/{subscriberId}");
        List<String> offered = new java.util.ArrayList<>();
        d.path("scopes").forEach(x -> {
            if (x.path("offered").asBoolean()) {
                offered.add(x.path("scope").asText());
            }
        });
        assertThat(offered).contains("oma_dmwsi.provision");
    }
}
