package org.omatwin.core.dm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.omatwin.core.CoreServer;
import org.omatwin.core.dm.DmTestCores;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.proto.dmwsi.v1.CreateOperationRequest;
import org.omatwin.proto.dmwsi.v1.Device;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc.DeviceManagementServiceBlockingStub;
import org.omatwin.proto.dmwsi.v1.GetDeviceRequest;
import org.omatwin.proto.dmwsi.v1.GetNetworkParametersRequest;
import org.omatwin.proto.dmwsi.v1.GetOperationRequest;
import org.omatwin.proto.dmwsi.v1.ListDevicesRequest;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.testsupport.LocalIssuer;

/**
 * Device lists, tel: deviceRefs and network parameters over real sockets (REST through the embedded
 * edge and gRPC on the core's port), with reference DM clients as the devices: each reports its profile
 * in Package#1 with a device token whose msisdn claim names its line (or none).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DmwsiDeviceListEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLD = "urn:imei:356938035700001";
    private static final String NEW = "urn:imei:356938035700002";
    private static final String NO_LINE = "urn:imei:356938035700003";
    private static final String OLD_LINE = "tel:+447700900101";
    private static final String NEW_LINE = "tel:+447700900102";

    private static LocalIssuer issuer;
    private static CoreServer core;
    private static DmwsiRest rest;
    private static ManagedChannel channel;
    private static final List<DeviceAgent> phones = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        issuer = new LocalIssuer();
        Path dir = Files.createTempDirectory("dmwsi-devices");
        Path parameters = dir.resolve("network-parameters.json");
        Files.writeString(parameters, """
                {"networkParameters": [
                  {"id": "apn.internet", "kind": "apn", "description": "Internet APN",
                   "values": [{"uri": "./Settings/APN/1/Name", "value": "internet.example"},
                              {"uri": "./Settings/APN/1/Password", "value": "apn-s3cret", "secret": true}]},
                  {"id": "mmsc", "kind": "mmsc", "values": [{"uri": "./Settings/MMS/MMSC", "value": "http://mms.example"}]}
                ]}""");
        core = CoreServer.start(DmTestCores.config(issuer, dir.resolve("data"),
                Map.of("TWIN_DM_NETWORK_PARAMETERS", parameters.toString())));
        rest = new DmwsiRest(core, issuer);
        channel = NettyChannelBuilder.forTarget(core.grpcTarget()).usePlaintext().build();
        report(OLD, "4.9.1", OLD_LINE);
        report(NEW, "4.10.0", NEW_LINE);
        report(NO_LINE, "5.0", null);
    }

    /** A reference client reporting Package#1 once (its profile and, through its token, its line). */
    private static DeviceAgent report(String devId, String firmware, String line) throws Exception {
        DeviceAgent phone = DmTestCores.device(core, issuer, devId, firmware, line, Executors.newCachedThreadPool());
        assertThat(phone.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        phones.add(phone);
        return phone;
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        core.close();
        issuer.close();
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return call("GET", pathAndQuery, null);
    }

    static HttpResponse<String> call(String method, String pathAndQuery, String body) throws Exception {
        return rest.call("care-lists", "oma_dmwsi.read oma_dmwsi.operate", method, pathAndQuery, body);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static List<String> devIds(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("deviceList").path("device").findValuesAsText("devId");
    }

    static void assertError(HttpResponse<String> r, int status, String messageId, String text) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r).path("requestError").path("serviceException");
        assertThat(e.path("messageId").asText()).as(r.body()).isEqualTo(messageId);
        assertThat(e.path("text").asText()).as(r.body()).contains(text);
    }

    static DeviceManagementServiceBlockingStub stub(String scope) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + issuer.token("care-lists-grpc", scope));
        return DeviceManagementServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)).withDeadlineAfter(40, TimeUnit.SECONDS);
    }

    @Test
    void aFilteredListOverRestFromWhatDevicesReported() throws Exception {
        assertThat(devIds(get("/dmwsi/v1/devices?filter=" + enc("fwV=gt=4.9.1"))))
                .containsExactly(NEW, NO_LINE);
        assertThat(devIds(get("/dmwsi/v1/devices?filter=" + enc("fwV=lt=4.10.0;man==\"OMA Twin\""))))
                .containsExactly(OLD);
        assertThat(devIds(get("/dmwsi/v1/devices?filter=" + enc("line==tel:+4477009001*,binding==Unconfirmed"))))
                .containsExactly(OLD, NEW, NO_LINE);
        assertThat(devIds(get("/dmwsi/v1/devices?filter=" + enc("binding==Confirmed;fwV=ge=4.10"))))
                .containsExactly(NEW);

        // each entry is the profile GetDevice shows
        HttpResponse<String> one = get("/dmwsi/v1/devices?filter=" + enc("line==" + NEW_LINE));
        JsonNode listed = json(one).path("deviceList").path("device").get(0);
        JsonNode profile = json(get("/dmwsi/v1/devices/" + NEW)).path("device");
        assertThat(listed).isEqualTo(profile);
        assertThat(listed.path("line").asText()).isEqualTo(NEW_LINE);
        assertThat(listed.path("binding").asText()).isEqualTo("Confirmed");
        assertThat(listed.path("devDetail").path("fwV").asText()).isEqualTo("4.10.0");
        assertThat(json(get("/dmwsi/v1/devices/" + NO_LINE)).path("device").path("binding").asText())
                .isEqualTo("Unconfirmed");
    }

    @Test
    void pagesFollowOneFilterAndRefuseAnother() throws Exception {
        String filter = enc("man==\"OMA Twin\"");
        HttpResponse<String> first = get("/dmwsi/v1/devices?limit=2&filter=" + filter);
        assertThat(devIds(first)).containsExactly(OLD, NEW);
        String token = json(first).path("deviceList").path("nextPageToken").asText();
        assertThat(token).isNotEmpty();
        HttpResponse<String> second = get("/dmwsi/v1/devices?limit=2&filter=" + filter + "&pageToken=" + token);
        assertThat(devIds(second)).containsExactly(NO_LINE);
        assertThat(json(second).path("deviceList").has("nextPageToken")).isFalse();

        assertError(get("/dmwsi/v1/devices?filter=" + enc("fwV=ge=0") + "&pageToken=" + token), 400, "SVC0002",
                "another filter");
        assertError(get("/dmwsi/v1/devices?filter=" + filter + "&pageToken=x" + token), 400, "SVC0002",
                "pageToken");
        assertError(get("/dmwsi/v1/devices?limit=501"), 400, "SVC0002", "limit");
    }

    @Test
    void aBadFilterIs400NamingThePosition() throws Exception {
        assertError(get("/dmwsi/v1/devices?filter=" + enc("fwV=lt=4.x")), 400, "SVC0002",
                "at position 7 (0-based) expected a version");
        assertError(get("/dmwsi/v1/devices?filter=" + enc("man==Acme;colour==red")), 400, "SVC0002",
                "at position 10 (0-based) expected a field");
        assertError(get("/dmwsi/v1/devices?filter=" + enc("man==\"Acme")), 400, "SVC0002", "at position 10");
        assertError(get("/dmwsi/v1/devices?colour=red"), 400, "SVC2005", "colour");
    }

    @Test
    @Order(Integer.MAX_VALUE) // last (unannotated tests come before): it moves lines and adds a device, which the lists of the other tests do not expect
    void aTelLineNamesTheDeviceMostRecentlySeenOnIt() throws Exception {
        JsonNode byLine = json(get("/dmwsi/v1/devices/" + enc(OLD_LINE))).path("device");
        assertThat(byLine.path("devId").asText()).isEqualTo(OLD);
        // written as people write it: normalised to E.164
        assertThat(json(get("/dmwsi/v1/devices/" + enc("TEL:+44 7700-900-101"))).path("device").path("devId")
                .asText()).isEqualTo(OLD);
        assertThat(json(get("/dmwsi/v1/devices/" + enc(OLD_LINE) + "/tree?uri=" + enc("./"))).path("nodeList")
                .isObject()).isTrue();
        assertError(get("/dmwsi/v1/devices/" + enc("tel:+447700900199")), 404, "SVC0004", "tel:+447700900199");
        assertError(get("/dmwsi/v1/devices/" + enc("tel:0123")), 404, "SVC0004", "no device");
        // pseudonyms come with per-client policies: none names a device yet
        assertError(get("/dmwsi/v1/devices/" + enc("pid:3q2-7Hq")), 404, "SVC0004", "no device");

        // a new device proven on the same line takes it over (the latest proof wins)
        String successor = "urn:imei:356938035700004";
        DeviceAgent phone = report(successor, "6.0", "tel:+44-7700-900-103");
        assertThat(json(get("/dmwsi/v1/devices/" + enc("tel:+447700900103"))).path("device").path("devId").asText())
                .isEqualTo(successor);
        DeviceAgent again = DmTestCores.device(core, issuer, NO_LINE, "5.0", "tel:+447700900103",
                Executors.newCachedThreadPool());
        assertThat(again.clientInitiated().get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(json(get("/dmwsi/v1/devices/" + enc("tel:+447700900103"))).path("device").path("devId").asText())
                .isEqualTo(NO_LINE);
        assertThat(phone).isNotNull();
    }

    @Test
    void networkParametersAreReadableAndDeliveredByConfigure() throws Exception {
        HttpResponse<String> r = get("/dmwsi/v1/network-parameters");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode list = json(r).path("networkParameterList").path("networkParameter");
        assertThat(list.findValuesAsText("id")).containsExactly("apn.internet", "mmsc");
        assertThat(list.get(0).path("values").get(0).path("value").asText()).isEqualTo("internet.example");
        assertThat(list.get(0).path("values").get(1).path("secret").asBoolean()).isTrue();
        assertThat(r.body()).doesNotContain("apn-s3cret");
        HttpResponse<String> page = get("/dmwsi/v1/network-parameters?limit=1");
        assertThat(json(page).path("networkParameterList").path("networkParameter")).hasSize(1);
        assertThat(json(page).path("networkParameterList").path("nextPageToken").asText()).isNotEmpty();

        // an unknown parameter, or one with values too, is refused and creates nothing
        assertError(call("POST", "/dmwsi/v1/operations", "{\"operation\":{\"type\":\"configure\",\"deviceRef\":\""
                + OLD_LINE + "\",\"networkParameter\":\"apn.nowhere\"}}"), 400, "SVC0002", "networkParameter");
        assertError(call("POST", "/dmwsi/v1/operations", "{\"operation\":{\"type\":\"configure\",\"deviceRef\":\""
                + OLD_LINE + "\",\"networkParameter\":\"mmsc\",\"values\":[{\"uri\":\"./A\",\"value\":\"b\"}]}}"),
                400, "SVC0002", "exclude each other");
        assertError(call("POST", "/dmwsi/v1/operations", "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\""
                + OLD_LINE + "\",\"networkParameter\":\"mmsc\"}}"), 400, "SVC0002", "does not apply");
        assertThat(json(get("/dmwsi/v1/operations")).path("operationList").path("operation").size()).isZero();

        // configure by line and parameter id: the device gets every value, the secret included
        DeviceAgent phone = phones.get(0);
        CompletableFuture<Void> loop = phone.runLoop(30);
        try {
            HttpResponse<String> created = call("POST", "/dmwsi/v1/operations", "{\"operation\":{\"type\":"
                    + "\"configure\",\"deviceRef\":\"" + OLD_LINE + "\",\"networkParameter\":\"apn.internet\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).doesNotContain("apn-s3cret");
            JsonNode op = json(created).path("operation");
            assertThat(op.path("deviceRef").asText()).isEqualTo(OLD);
            assertThat(op.path("values").findValuesAsText("uri")).containsExactly("./Settings/APN/1/Name",
                    "./Settings/APN/1/Password");
            JsonNode done = json(get("/dmwsi/v1/operations/" + op.path("operationId").asText() + "?waitSeconds=20"))
                    .path("operation");
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("Succeeded");
            assertThat(phone.tree().value("./Settings/APN/1/Name")).contains("internet.example");
            assertThat(phone.tree().value("./Settings/APN/1/Password")).contains("apn-s3cret");
        } finally {
            phone.stop();
            loop.get(40, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDiscoveryDocumentListsTheNewResources() throws Exception {
        JsonNode resources = json(get("/dmwsi/v1")).path("discovery").path("resources");
        List<String> paths = new ArrayList<>();
        resources.forEach(r -> {
            paths.add(r.path("method").asText() + " " + r.path("path").asText());
            if (r.path("path").asText().equals("/dmwsi/v1/devices")) {
                assertThat(r.path("scopes").findValuesAsText("scopes")).isEmpty();
                assertThat(r.path("scopes").get(0).asText()).isEqualTo("oma_dmwsi.read");
                assertThat(r.path("description").asText()).contains("=in=").contains("0-based position");
            }
        });
        assertThat(paths).contains("GET /dmwsi/v1/devices", "GET /dmwsi/v1/network-parameters",
                "GET /dmwsi/v1/devices/{deviceRef}");
        assertThat(resources.toString()).contains("pid:").contains("networkParameter");
    }

    @Test
    void theSameOverGrpc() {
        var read = stub("oma_dmwsi.read");
        var list = read.listDevices(ListDevicesRequest.newBuilder().setFilter("fwV=lt=4.10.0,fwV=gt=4.10.0")
                .setLimit(1).build()).getDeviceList();
        assertThat(list.getDeviceList()).extracting(Device::getDevId).containsExactly(OLD);
        assertThat(read.listDevices(ListDevicesRequest.newBuilder().setFilter("fwV=lt=4.10.0,fwV=gt=4.10.0")
                .setPageToken(list.getNextPageToken()).build()).getDeviceList().getDeviceList())
                .extracting(Device::getDevId).contains(NO_LINE).doesNotContain(OLD, NEW);
        Device byLine = read.getDevice(GetDeviceRequest.newBuilder().setDeviceRef(NEW_LINE).build()).getDevice();
        assertThat(byLine.getDevId()).isEqualTo(NEW);
        assertThat(byLine.getBinding()).isEqualTo("Confirmed");
        assertThat(read.getNetworkParameters(GetNetworkParametersRequest.getDefaultInstance())
                .getNetworkParameterList().getNetworkParameter(0).getValues(1).hasValue()).isFalse();
        assertThatThrownBy(() -> read.listDevices(ListDevicesRequest.newBuilder().setFilter("man=~x").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("at position 3");
                });
        assertThatThrownBy(() -> read.getDevice(GetDeviceRequest.newBuilder().setDeviceRef("tel:+15550100").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        // an operation addressed by line over gRPC is the line's device's
        Operation op = stub("oma_dmwsi.operate").createOperation(CreateOperationRequest.newBuilder().setOperation(
                Operation.newBuilder().setType("retrieve").setDeviceRef(NEW_LINE).addUris("./DevDetail/FwV")).build())
                .getOperation();
        assertThat(op.getDeviceRef()).isEqualTo(NEW);
        assertThat(read.getOperation(GetOperationRequest.newBuilder().setOperationId(op.getOperationId()).build())
                .getOperation().getState()).isEqualTo("Queued");
    }
}
