package org.omatwin.core.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The production Envoy config (envoy/envoy.yaml) checked against Envoy's own v3 protos (strictly: an
 * unknown field or {@code @type} fails) and against the proto contract's google.api.http rules, read
 * from the same descriptor set Envoy's transcoder loads. No Envoy binary needed.
 */
class EnvoyConfigTest {
    private static final String HCM = "envoy.filters.network.http_connection_manager";
    private static final String TRANSCODER = "envoy.filters.http.grpc_json_transcoder";
    private static final String LUA = "envoy.filters.http.lua";
    private static final String ROUTER = "envoy.filters.http.router";
    private static final String CORE_CLUSTER = "twinning_core";
    private static final String SERVICE = "oma.twinning.v1.TwinningService";
    private static final String DMWSI = "oma.dmwsi.v1.DeviceManagementService";
    private static final String DMWSI_SUBSCRIPTIONS = "oma.dmwsi.v1.DmSubscriptionService";
    private static final String DMWSI_TRANSACTIONS = "oma.dmwsi.v1.TransactionService";
    private static final String DMWSI_PROVISIONING = "oma.dmwsi.v1.ProvisioningService";
    private static final String DMWSI_JOBS = "oma.dmwsi.v1.JobService";
    private static final String DMWSI_PACKAGES = "oma.dmwsi.v1.PackageService";
    private static final String PORTAL_CLUSTER = "portal";
    private static final String DM_CLUSTER = "core_dm";
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    /** The path user id as devices send it: percent-encoded or plain (decoded once, by the transcoder). */
    private static final List<String> USER_IDS = List.of("tel%3A%2B447700900123", "tel:+447700900123",
            "acr:auth");

    /** Every typed_config type the YAML may use; anything else is an unknown @type and fails the parse. */
    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor())
            .add(GrpcJsonTranscoder.getDescriptor())
            .add(Lua.getDescriptor())
            .add(Router.getDescriptor())
            .add(HttpProtocolOptions.getDescriptor())
            .add(StdoutAccessLog.getDescriptor())
            .add(FilterConfig.getDescriptor())
            .add(PreviousHostsPredicate.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor())
            .build();

    private static String json;
    private static Bootstrap bootstrap;
    private static HttpConnectionManager hcm;
    private static GrpcJsonTranscoder transcoder;
    private static VirtualHost vhost;
    private static FileDescriptorSet descriptors;
    private static List<Rule> rules;

    /** One google.api.http binding of the device service. */
    private record Rule(String rpc, String method, String template) {}

    @BeforeAll
    static void load() throws IOException {
        json = yamlToJson(Files.readString(locate("envoy/envoy.yaml")));
        bootstrap = parse(json);
        hcm = unpack(httpConnectionManager().getTypedConfig(), HttpConnectionManager.class);
        transcoder = unpack(httpFilter(TRANSCODER).getTypedConfig(), GrpcJsonTranscoder.class);
        assertThat(hcm.getRouteConfig().getVirtualHostsList()).hasSize(1);
        vhost = hcm.getRouteConfig().getVirtualHosts(0);
        descriptors = readDescriptors(locate("proto/target/descriptor/twinning.pb"));
        rules = new ArrayList<>(httpRules(descriptors, SERVICE));
        rules.addAll(httpRules(descriptors, DMWSI));
        rules.addAll(httpRules(descriptors, DMWSI_SUBSCRIPTIONS));
        rules.addAll(httpRules(descriptors, DMWSI_TRANSACTIONS));
        rules.addAll(httpRules(descriptors, DMWSI_PROVISIONING));
        rules.addAll(httpRules(descriptors, DMWSI_JOBS));
        rules.addAll(httpRules(descriptors, DMWSI_PACKAGES));
    }

    @Test
    void parsesStrictlyAgainstEnvoyProtos() {
        assertThat(bootstrap.getStaticResources().getListenersList()).extracting(Listener::getName)
                .containsExactly("device_rest");
        assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void usesNoDeprecatedField() {
        List<String> deprecated = new ArrayList<>();
        collectDeprecated(bootstrap, "", deprecated);
        assertThat(deprecated).isEmpty();
    }

    @Test
    void anUnknownFieldFailsTheParse() {
        JsonObject tree = JsonParser.parseString(json).getAsJsonObject();
        transcoderConfig(tree).addProperty("bogus_field", 1);
        assertThatThrownBy(() -> parse(tree.toString()))
                .isInstanceOf(InvalidProtocolBufferException.class)
                .hasMessageContaining("bogus_field");
    }

    @Test
    void anUnknownTypeFailsTheParse() {
        JsonObject tree = JsonParser.parseString(json).getAsJsonObject();
        transcoderConfig(tree).addProperty("@type", "type.googleapis.com/envoy.extensions.filters.http.nope.v3.Nope");
        assertThatThrownBy(() -> parse(tree.toString())).isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void listenerServesHttp1AndHttp2AtTheEdge() {
        Listener listener = bootstrap.getStaticResources().getListeners(0);
        assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
        assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(8080);
        assertThat(hcm.getCodecType()).isEqualTo(HttpConnectionManager.CodecType.AUTO);
        assertThat(hcm.getUseRemoteAddress().getValue()).isTrue();
        assertThat(hcm.hasStreamIdleTimeout()).isTrue();
        assertThat(hcm.hasRequestTimeout()).isTrue();
        assertThat(hcm.getCommonHttpProtocolOptions().hasIdleTimeout()).isTrue();
        // The user id must reach the transcoder still encoded: it decodes exactly once.
        assertThat(hcm.getPathWithEscapedSlashesAction())
                .isEqualTo(HttpConnectionManager.PathWithEscapedSlashesAction.KEEP_UNCHANGED);
    }

    @Test
    void accessLogGoesToStdoutWithoutCredentials() throws InvalidProtocolBufferException {
        assertThat(hcm.getAccessLogList()).isNotEmpty();
        for (var log : hcm.getAccessLogList()) {
            StdoutAccessLog stdout = unpack(log.getTypedConfig(), StdoutAccessLog.class);
            assertThat(JsonFormat.printer().print(stdout).toLowerCase(Locale.ROOT))
                    .doesNotContain("authorization")
                    .doesNotContain("cookie");
        }
    }

    @Test
    void filterOrderLetsLuaSeeTheTranscodedResponse() {
        List<String> names = hcm.getHttpFiltersList().stream().map(HttpFilter::getName).toList();
        assertThat(names).containsExactly(LUA, TRANSCODER, ROUTER);
        // Encode runs in reverse: router -> transcoder -> lua.
        Lua lua = unpack(httpFilter(LUA).getTypedConfig(), Lua.class);
        String code = lua.getDefaultSourceCode().getInlineString();
        assertThat(code).contains("function envoy_on_response", "x-oma-request-error", "x-oma-http-status",
                "retry-after", "application/json", "setBytes", "trailers()");
        unpack(httpFilter(ROUTER).getTypedConfig(), Router.class);
    }

    @Test
    void transcoderIsStrictAndDecodesThePathOnce() {
        assertThat(transcoder.getProtoDescriptor()).isEqualTo("/etc/envoy/twinning.pb");
        assertThat(transcoder.getServicesList()).containsExactly(SERVICE, DMWSI, DMWSI_SUBSCRIPTIONS, DMWSI_TRANSACTIONS,
                DMWSI_PROVISIONING, DMWSI_JOBS, DMWSI_PACKAGES);
        assertThat(transcoder.getMatchIncomingRequestRoute()).isTrue();
        assertThat(transcoder.getAutoMapping()).isFalse();
        assertThat(transcoder.getConvertGrpcStatus()).isFalse();
        assertThat(transcoder.getUrlUnescapeSpec()).isEqualTo(GrpcJsonTranscoder.UrlUnescapeSpec.ALL_CHARACTERS);
        assertThat(transcoder.getRequestValidationOptions().getRejectUnknownMethod()).isTrue();
        assertThat(transcoder.getRequestValidationOptions().getRejectUnknownQueryParameters()).isTrue();
        assertThat(transcoder.getRequestValidationOptions().getRejectBindingBodyFieldCollisions()).isTrue();
        assertThat(transcoder.getIgnoreUnknownQueryParameters()).isFalse();
        assertThat(transcoder.getCaseInsensitiveEnumParsing()).isFalse();
        assertThat(transcoder.getPrintOptions().getAlwaysPrintPrimitiveFields()).isFalse();
        assertThat(transcoder.getPrintOptions().getPreserveProtoFieldNames()).isFalse();
        assertThat(transcoder.getMaxRequestBodySize().getValue()).isEqualTo(16_384);
        assertThat(transcoder.hasMaxResponseBodySize()).isTrue();
    }

    @Test
    void everyTranscodedServiceIsInTheDescriptorSet() {
        Set<String> services = new TreeSet<>();
        for (FileDescriptorProto file : descriptors.getFileList()) {
            for (ServiceDescriptorProto service : file.getServiceList()) {
                services.add(file.getPackage() + "." + service.getName());
            }
        }
        assertThat(services).containsAll(transcoder.getServicesList());
    }

    @Test
    void everyHttpRuleOfTheContractRoutesToTheCore() {
        assertThat(rules).hasSize(13 + 10 + 4 + 1 + 3 + 5 + 5);
        for (Rule rule : rules) {
            for (String user : USER_IDS) {
                String path = samplePath(rule.template(), user);
                Route route = firstMatch(rule.method(), path)
                        .orElseThrow(() -> new AssertionError("no route for " + rule + " at " + path));
                assertThat(route.getRoute().getCluster()).as("%s %s", rule.method(), path).isEqualTo(CORE_CLUSTER);
                assertThat(transcoderDisabled(route)).as("%s %s", rule.method(), path).isFalse();
            }
        }
    }

    /**
     * A job's body may be 8 MiB (section 5): declared next to CreateJob, and the one route that takes it
     * is the same transcoder with that limit; every other route keeps the 16 KiB default.
     */
    @Test
    void createJobAloneTakesItsDeclaredBodyLimitWithTheSameTranscoder() throws Exception {
        long declared = descriptors.getFileList().stream().filter(f -> f.getName().equals("oma/dmwsi/v1/jobs.proto"))
                .flatMap(f -> f.getServiceList().stream()).flatMap(s -> s.getMethodList().stream())
                .filter(m -> m.getName().equals("CreateJob")).findFirst().orElseThrow().getOptions()
                .getExtension(org.omatwin.proto.edge.v1.AccessProto.maxRequestBytes);
        assertThat(declared).isEqualTo(8L * 1024 * 1024);
        Route create = firstMatch("POST", "/dmwsi/v1/jobs").orElseThrow();
        assertThat(create.getName()).isEqualTo("dmwsi_v1_jobs_create");
        assertThat(create.getRoute().getCluster()).isEqualTo(CORE_CLUSTER);
        GrpcJsonTranscoder own = unpack(create.getTypedPerFilterConfigOrThrow(TRANSCODER), GrpcJsonTranscoder.class);
        assertThat(own.getMaxRequestBodySize().getValue()).isEqualTo(declared);
        assertThat(own.toBuilder().clearMaxRequestBodySize().build())
                .isEqualTo(transcoder.toBuilder().clearMaxRequestBodySize().build());
        assertThat(firstMatch("GET", "/dmwsi/v1/jobs").orElseThrow().getName()).isEqualTo("dmwsi_v1");
    }

    @Test
    void theDmDeviceSurfaceIsRoutedUntranscodedWithTimeoutsAboveTheLongestWait() {
        for (String path : List.of("/dm/v2/sessions/pending", "/dm/v2/sessions/id/s-1", "/dm/v2/alert",
                "/dm/v2/data/d-1")) {
            Route route = firstMatch("GET", path).orElseThrow(() -> new AssertionError("no route for " + path));
            assertThat(route.getRoute().getCluster()).as(path).isEqualTo(DM_CLUSTER);
            assertThat(transcoderDisabled(route)).as(path).isTrue();
            // dm-api.md 2: GET /sessions/pending?wait=N holds the request up to 60 s
            assertThat(route.getRoute().getTimeout().getSeconds()).as(path).isGreaterThan(60);
            assertThat(route.getRoute().getIdleTimeout().getSeconds()).as(path).isGreaterThan(60);
        }
        var dm = bootstrap.getStaticResources().getClustersList().stream()
                .filter(c -> c.getName().equals(DM_CLUSTER)).findFirst().orElseThrow();
        assertThat(dm.getTransportSocket().getName()).as("devices reach the core over TLS only")
                .isEqualTo("envoy.transport_sockets.tls");
    }

    @Test
    void theTransactionLogAsCsvGoesUntranscodedToTheCoresRestEdgeAndJsonIsTranscoded() {
        for (String accept : List.of("text/csv", "application/json;q=0.5, text/csv", "TEXT/CSV; charset=utf-8")) {
            Route csv = firstMatch("GET", "/dmwsi/v1/transactions", Map.of("accept", accept)).orElseThrow();
            assertThat(csv.getRoute().getCluster()).as(accept).isEqualTo("core_rest");
            assertThat(transcoderDisabled(csv)).as(accept).isTrue();
        }
        for (Map<String, String> headers : List.<Map<String, String>>of(Map.of(), Map.of("accept", "application/json"))) {
            Route json = firstMatch("GET", "/dmwsi/v1/transactions", headers).orElseThrow();
            assertThat(json.getRoute().getCluster()).as("%s", headers).isEqualTo(CORE_CLUSTER);
            assertThat(transcoderDisabled(json)).isFalse();
        }
        assertThat(firstMatch("POST", "/dmwsi/v1/transactions", Map.of("accept", "text/csv")).orElseThrow()
                .getDirectResponse().getStatus()).isEqualTo(405);
    }

    @Test
    void aPackagesContentIsPutUntranscodedToTheCoresRestEdgeWithALongTimeout() {
        Route put = firstMatch("PUT", "/dmwsi/v1/packages/pk-1/content").orElseThrow();
        assertThat(put.getRoute().getCluster()).isEqualTo("core_rest");
        assertThat(transcoderDisabled(put)).isTrue();
        assertThat(put.getRoute().getTimeout().getSeconds()).isGreaterThanOrEqualTo(3600);
        Route get = firstMatch("GET", "/dmwsi/v1/packages/pk-1/content").orElseThrow();
        assertThat(get.getDirectResponse().getStatus()).isEqualTo(405);
        assertThat(allowHeader(get)).containsExactly("PUT");
    }

    @Test
    void theAccountsHtmlPagesAndFormPostsGoToThePortalAndTheirJsonToTheCore() {
        String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        String form = "application/x-www-form-urlencoded";
        for (String path : List.of("/dm/v2/devices", "/dm/v2/devices/new", "/dm/v2/devices/urn:imei:356938035643809")) {
            assertThat(cluster("GET", path, Map.of("accept", browser))).as(path).isEqualTo(PORTAL_CLUSTER);
            assertThat(cluster("GET", path, Map.of("accept", "application/json"))).as(path).isEqualTo(DM_CLUSTER);
            assertThat(cluster("GET", path, Map.of())).as(path).isEqualTo(DM_CLUSTER);
        }
        for (String path : List.of("/dm/v2/devices/new", "/dm/v2/devices/urn:imei:356938035643809")) {
            assertThat(cluster("POST", path, Map.of("content-type", form))).as(path).isEqualTo(PORTAL_CLUSTER);
            assertThat(cluster("POST", path, Map.of("content-type", "application/json"))).as(path)
                    .isEqualTo(DM_CLUSTER);
        }
        assertThat(cluster("PUT", "/dm/v2/devices/urn:imei:356938035643809", Map.of("content-type", form)))
                .isEqualTo(DM_CLUSTER);
        // the portal's sign-in, on the same origin; nothing else of the portal is reachable here
        assertThat(cluster("GET", "/oauth2/authorization/twinning", Map.of())).isEqualTo(PORTAL_CLUSTER);
        assertThat(cluster("GET", "/login/oauth2/code/twinning", Map.of())).isEqualTo(PORTAL_CLUSTER);
        assertThat(firstMatch("GET", "/lines", Map.of("accept", browser)).orElseThrow().hasDirectResponse()).isTrue();
        assertThat(transcoderDisabled(firstMatch("GET", "/dm/v2/devices/new", Map.of("accept", browser))
                .orElseThrow())).isTrue();
    }

    private static String cluster(String method, String path, Map<String, String> headers) {
        return firstMatch(method, path, headers).orElseThrow(() -> new AssertionError("no route for " + path))
                .getRoute().getCluster();
    }

    @Test
    void coreRouteRetriesOnlyWhereTheCoreCannotHaveActed() {
        Rule create = rules.stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        Route route = firstMatch("POST", samplePath(create.template(), USER_IDS.get(0))).orElseThrow();
        assertThat(route.getRoute().hasTimeout()).isTrue();
        assertThat(route.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(1);
        assertThat(Set.of(route.getRoute().getRetryPolicy().getRetryOn().split(",")))
                .containsExactlyInAnyOrder("connect-failure", "refused-stream", "unavailable");
    }

    @Test
    void wrongMethodOnAListedPathIs405WithTheAllowOfTheHttpRules() {
        Map<String, Set<String>> allowed = new TreeMap<>();
        for (Rule rule : rules) {
            allowed.computeIfAbsent(rule.template(), t -> new TreeSet<>()).add(rule.method());
        }
        // the one path of the contract that is plain HTTP, not a rule: a package's content (section 8)
        allowed.put("/dmwsi/v1/packages/{package_id}/content", new TreeSet<>(Set.of("PUT")));
        List<Route> methodRoutes = vhost.getRoutesList().stream()
                .filter(r -> r.hasDirectResponse() && r.getDirectResponse().getStatus() == 405).toList();
        assertThat(methodRoutes).extracting(Route::getName)
                .containsExactlyInAnyOrderElementsOf(allowed.keySet().stream().map(t -> "405 " + t).toList());

        allowed.forEach((template, methods) -> {
            Route route = methodRoutes.stream().filter(r -> r.getName().equals("405 " + template)).findFirst()
                    .orElseThrow();
            assertThat(allowHeader(route)).as(template).isEqualTo(methods);
            assertThat(transcoderDisabled(route)).as(template).isTrue();
            assertThat(route.getDirectResponse().getBody().getInlineString()).startsWith("{\"requestError\"");
            for (String method : METHODS) {
                if (methods.contains(method)) {
                    continue;
                }
                for (String user : USER_IDS) {
                    String path = samplePath(template, user);
                    assertThat(firstMatch(method, path)).as("%s %s", method, path).contains(route);
                }
            }
        });
    }

    @Test
    void everythingElseIs404RequestError() {
        for (String path : List.of("/", "/twinning", "/twinning/v2/tel:+1/twinnings", "/internal/health",
                "/" + SERVICE + "/ListTwinnings", "/grpc.health.v1.Health/Check")) {
            Route route = firstMatch("POST", path).orElseThrow(() -> new AssertionError("no route for " + path));
            assertThat(route.hasDirectResponse()).as(path).isTrue();
            assertThat(route.getDirectResponse().getStatus()).as(path).isEqualTo(404);
            assertThat(route.getDirectResponse().getBody().getInlineString()).contains("SVC2008");
        }
    }

    @Test
    void envoysOwnRepliesAreRequestErrors() {
        Map<Integer, String> expected = new LinkedHashMap<>();
        expected.put(400, "SVC0002");
        expected.put(401, "SVC2003");
        expected.put(403, "POL2003");
        expected.put(404, "SVC2008");
        expected.put(408, "SVC0002");
        expected.put(413, "SVC0002");
        expected.put(500, "SVC0001");
        expected.put(502, "SVC0001");
        expected.put(503, "SVC0001");
        expected.put(504, "SVC0001");
        List<ResponseMapper> mappers = hcm.getLocalReplyConfig().getMappersList();
        expected.forEach((status, messageId) -> {
            ResponseMapper mapper = mappers.stream().filter(m -> statusMatches(m, status)).findFirst()
                    .orElseThrow(() -> new AssertionError("no local reply mapper for " + status));
            assertThat(mapper.getBodyFormatOverride().getContentType()).isEqualTo("application/json");
            JsonObject body = JsonParser.parseString(
                    mapper.getBodyFormatOverride().getTextFormatSource().getInlineString()).getAsJsonObject();
            JsonObject error = body.getAsJsonObject("requestError");
            JsonObject exception = error.has("policyException") ? error.getAsJsonObject("policyException")
                    : error.getAsJsonObject("serviceException");
            assertThat(exception.get("messageId").getAsString()).as("status %d", status).isEqualTo(messageId);
            assertThat(exception.has("text")).isTrue();
            assertThat(exception.get("variables").isJsonArray()).isTrue();
        });
        // 405 keeps the route's own requestError body (it names the allowed methods).
        ResponseMapper mapper405 = mappers.stream().filter(m -> statusMatches(m, 405)).findFirst().orElseThrow();
        assertThat(mapper405.getBodyFormatOverride().getTextFormatSource().getInlineString())
                .isEqualTo("%LOCAL_REPLY_BODY%");
        assertThat(mapper405.getBodyFormatOverride().getContentType()).isEqualTo("application/json");
    }

    @Test
    void coreClusterIsHealthCheckedGrpcOverHttp2() {
        Cluster cluster = bootstrap.getStaticResources().getClustersList().stream()
                .filter(c -> c.getName().equals(CORE_CLUSTER)).findFirst().orElseThrow();
        HttpProtocolOptions options = unpack(cluster.getTypedExtensionProtocolOptionsOrThrow(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"), HttpProtocolOptions.class);
        assertThat(options.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
        assertThat(cluster.hasConnectTimeout()).isTrue();
        assertThat(cluster.hasCircuitBreakers()).isTrue();
        assertThat(cluster.hasOutlierDetection()).isTrue();
        assertThat(cluster.getLoadAssignment().getEndpointsList().stream()
                .flatMap(e -> e.getLbEndpointsList().stream())
                .map(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue()))
                .isNotEmpty().containsOnly(9090);
        assertThat(cluster.getHealthChecksList()).singleElement().satisfies(check -> {
            assertThat(check.getHealthCheckerCase()).isEqualTo(HealthCheck.HealthCheckerCase.GRPC_HEALTH_CHECK);
            assertThat(check.getGrpcHealthCheck().getServiceName()).isEqualTo(SERVICE);
            assertThat(check.hasTimeout()).isTrue();
            assertThat(check.hasInterval()).isTrue();
            assertThat(check.getUnhealthyThreshold().getValue()).isPositive();
            assertThat(check.getHealthyThreshold().getValue()).isPositive();
        });
    }

    /** Walks every set field, into typed_config Anys too, noting deprecated fields and enum values. */
    private static void collectDeprecated(Message message, String path, List<String> into) {
        if (message.getDescriptorForType().equals(Any.getDescriptor())
                || message.getDescriptorForType().getFullName().equals("google.protobuf.Any")) {
            try {
                Any any = message instanceof Any a ? a : Any.parseFrom(message.toByteString());
                Descriptors.Descriptor type = TYPES.find(any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1));
                assertThat(type).as("type of " + path).isNotNull();
                collectDeprecated(DynamicMessage.parseFrom(type, any.getValue()), path, into);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(path, e);
            }
            return;
        }
        message.getAllFields().forEach((field, value) -> {
            String at = path + "/" + field.getName();
            if (field.getOptions().getDeprecated()) {
                into.add(at);
            }
            List<?> values = field.isRepeated() ? (List<?>) value : List.of(value);
            for (Object v : values) {
                if (v instanceof Message m) {
                    collectDeprecated(m, at, into);
                } else if (v instanceof Descriptors.EnumValueDescriptor e && e.getOptions().getDeprecated()) {
                    into.add(at + "=" + e.getName());
                }
            }
        });
    }

    // ---- loading ----

    /** The surefire working directory is core-service/; from the repository root it is the path itself. */
    private static Path locate(String relative) {
        for (Path candidate : List.of(Path.of("..").resolve(relative), Path.of(relative))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(relative + " not found from " + Path.of("").toAbsolutePath()
                + (relative.endsWith(".pb") ? " (build it: ./mvnw -pl proto install)" : ""));
    }

    private static String yamlToJson(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object tree = new Yaml(options).load(yaml);
        return new Gson().toJson(tree);
    }

    private static Bootstrap parse(String json) throws InvalidProtocolBufferException {
        Bootstrap.Builder builder = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, builder);
        return builder.build();
    }

    private static <T extends Message> T unpack(Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("typed_config is not " + type.getSimpleName() + ": " + any.getTypeUrl(), e);
        }
    }

    private static Filter httpConnectionManager() {
        return bootstrap.getStaticResources().getListeners(0).getFilterChainsList().stream()
                .flatMap(chain -> chain.getFiltersList().stream())
                .filter(f -> f.getName().equals(HCM)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + HCM));
    }

    private static HttpFilter httpFilter(String name) {
        return hcm.getHttpFiltersList().stream().filter(f -> f.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no http filter " + name));
    }

    /** The transcoder's typed_config object inside the raw JSON tree. */
    private static JsonObject transcoderConfig(JsonObject root) {
        JsonObject hcmConfig = null;
        for (JsonElement listener : root.getAsJsonObject("static_resources").getAsJsonArray("listeners")) {
            for (JsonElement chain : listener.getAsJsonObject().getAsJsonArray("filter_chains")) {
                for (JsonElement filter : chain.getAsJsonObject().getAsJsonArray("filters")) {
                    if (filter.getAsJsonObject().get("name").getAsString().equals(HCM)) {
                        hcmConfig = filter.getAsJsonObject().getAsJsonObject("typed_config");
                    }
                }
            }
        }
        assertThat(hcmConfig).isNotNull();
        for (JsonElement filter : hcmConfig.getAsJsonArray("http_filters")) {
            if (filter.getAsJsonObject().get("name").getAsString().equals(TRANSCODER)) {
                return filter.getAsJsonObject().getAsJsonObject("typed_config");
            }
        }
        return fail("no transcoder in the JSON tree");
    }

    private static FileDescriptorSet readDescriptors(Path file) throws IOException {
        ExtensionRegistry registry = ExtensionRegistry.newInstance();
        AnnotationsProto.registerAllExtensions(registry);
        org.omatwin.proto.edge.v1.AccessProto.registerAllExtensions(registry);
        try (InputStream in = Files.newInputStream(file)) {
            return FileDescriptorSet.parseFrom(in, registry);
        }
    }

    private static List<Rule> httpRules(FileDescriptorSet set, String fullName) {
        List<Rule> found = new ArrayList<>();
        for (FileDescriptorProto file : set.getFileList()) {
            for (ServiceDescriptorProto service : file.getServiceList()) {
                if (!(file.getPackage() + "." + service.getName()).equals(fullName)) {
                    continue;
                }
                for (MethodDescriptorProto method : service.getMethodList()) {
                    if (!method.getOptions().hasExtension(AnnotationsProto.http)) {
                        // gRPC only (WatchJob's live stream): no REST shape, nothing for Envoy to route
                        assertThat(method.getServerStreaming()).as(method.getName()).isTrue();
                        continue;
                    }
                    HttpRule http = method.getOptions().getExtension(AnnotationsProto.http);
                    addRule(found, method.getName(), http);
                    http.getAdditionalBindingsList().forEach(b -> addRule(found, method.getName(), b));
                }
            }
        }
        assertThat(found).as("google.api.http rules of " + fullName).isNotEmpty();
        return found;
    }

    private static void addRule(List<Rule> into, String rpc, HttpRule http) {
        switch (http.getPatternCase()) {
            case GET -> into.add(new Rule(rpc, "GET", http.getGet()));
            case POST -> into.add(new Rule(rpc, "POST", http.getPost()));
            case PUT -> into.add(new Rule(rpc, "PUT", http.getPut()));
            case DELETE -> into.add(new Rule(rpc, "DELETE", http.getDelete()));
            case PATCH -> into.add(new Rule(rpc, "PATCH", http.getPatch()));
            default -> fail(rpc + " has an http rule this test does not know: " + http);
        }
    }

    // ---- route matching, as Envoy does it for the matchers this config uses ----

    private static String samplePath(String template, String user) {
        return template.replace("{user_id}", user).replaceAll("\\{[a-z_]+}", "c0ffee42");
    }

    private static Optional<Route> firstMatch(String method, String path) {
        return firstMatch(method, path, Map.of());
    }

    /** @param headers request headers by lower-case name, besides :method */
    private static Optional<Route> firstMatch(String method, String path, Map<String, String> headers) {
        return vhost.getRoutesList().stream().filter(r -> matches(r.getMatch(), method, path, headers)).findFirst();
    }

    private static boolean matches(RouteMatch match, String method, String path, Map<String, String> headers) {
        boolean pathMatches = switch (match.getPathSpecifierCase()) {
            case PREFIX -> path.startsWith(match.getPrefix());
            case PATH -> path.equals(match.getPath());
            // RE2 full match; the regexes used here mean the same in java.util.regex.
            case SAFE_REGEX -> Pattern.compile(match.getSafeRegex().getRegex()).matcher(path).matches();
            default -> fail("path matcher not simulated by this test: " + match);
        };
        if (!pathMatches) {
            return false;
        }
        for (HeaderMatcher header : match.getHeadersList()) {
            String value = header.getName().equals(":method") ? method : headers.get(header.getName());
            if (value == null) {
                if (!header.getInvertMatch()) {
                    return false;
                }
                continue;
            }
            boolean hit = switch (header.getHeaderMatchSpecifierCase()) {
                case STRING_MATCH -> stringMatches(header.getStringMatch(), value);
                case EXACT_MATCH -> header.getExactMatch().equals(value);
                case SAFE_REGEX_MATCH -> Pattern.compile(header.getSafeRegexMatch().getRegex()).matcher(value)
                        .matches();
                default -> fail("header matcher not simulated by this test: " + header);
            };
            if (hit == header.getInvertMatch()) {
                return false;
            }
        }
        return true;
    }

    private static boolean stringMatches(StringMatcher m, String value) {
        return switch (m.getMatchPatternCase()) {
            case EXACT -> m.getIgnoreCase() ? m.getExact().equalsIgnoreCase(value) : m.getExact().equals(value);
            case PREFIX -> value.startsWith(m.getPrefix());
            case CONTAINS -> value.contains(m.getContains());
            case SAFE_REGEX -> Pattern.compile(m.getSafeRegex().getRegex()).matcher(value).matches();
            default -> fail("string matcher not simulated by this test: " + m);
        };
    }

    private static boolean transcoderDisabled(Route route) {
        Any config = route.getTypedPerFilterConfigMap().get(TRANSCODER);
        // a route's own transcoder config (a larger body limit) keeps it transcoding
        return config != null && config.is(FilterConfig.class) && unpack(config, FilterConfig.class).getDisabled();
    }

    private static Set<String> allowHeader(Route route) {
        List<String> values = route.getResponseHeadersToAddList().stream().map(HeaderValueOption::getHeader)
                .filter(h -> h.getKey().equalsIgnoreCase("allow")).map(h -> h.getValue()).toList();
        assertThat(values).as(route.getName() + " Allow").hasSize(1);
        return Pattern.compile(",").splitAsStream(values.get(0)).map(String::trim)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static boolean statusMatches(ResponseMapper mapper, int status) {
        assertThat(mapper.getFilter().hasStatusCodeFilter()).as("only status filters are simulated").isTrue();
        ComparisonFilter comparison = mapper.getFilter().getStatusCodeFilter().getComparison();
        int value = comparison.getValue().getDefaultValue();
        return switch (comparison.getOp()) {
            case EQ -> status == value;
            case GE -> status >= value;
            case LE -> status <= value;
            default -> false;
        };
    }
}
