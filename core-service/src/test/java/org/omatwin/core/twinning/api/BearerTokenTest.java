package org.omatwin.core.twinning.api;

import org.omatwin.core.infra.edge.auth.TokenVerifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.CoreServer;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.proto.twinning.v1.ListTwinningsRequest;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc;

/**
 * OAuth 2.0 bearer tokens at the edge of the REST and gRPC APIs: a real core in jwt mode, a real
 * JWKS endpoint on loopback, tokens signed with Nimbus.
 */
class BearerTokenTest {
    private static final String ISSUER = "https://auth.test.example";
    private static final List<RSAKey> PUBLISHED = new CopyOnWriteArrayList<>();
    private static HttpServer jwks;
    private static CoreServer core;
    private static RSAKey key;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        PUBLISHED.add(key);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/oauth2/jwks", ex -> {
            byte[] body = new JWKSet(new ArrayList<>(PUBLISHED.stream().map(RSAKey::toPublicJWK).toList()))
                    .toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        core = CoreServer.start(CoreConfig.from(Map.of(
                "TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0",
                "TWIN_DATA_DIR", Files.createTempDirectory("twinning-auth").toString(),
                "TWIN_AUTH_MODE", "jwt",
                "TWIN_AUTH_ISSUER", ISSUER,
                "TWIN_AUTH_JWKS_URL", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/oauth2/jwks")));
    }

    @AfterAll
    static void stop() {
        core.close();
        jwks.stop(0);
    }

    // ---- tokens ----

    static String token(RSAKey signer, String sub, String scope, Consumer<JWTClaimsSet.Builder> tweak) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience("twinning").subject(sub).claim("scope", scope)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString());
        tweak.accept(c);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID())
                    .type(JOSEObjectType.JWT).build(), c.build());
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(String sub, String scope) {
        return token(key, sub, scope, c -> {});
    }

    // ---- REST helpers ----

    static String url(String user, String rest) {
        return "http://127.0.0.1:" + core.httpPort() + "/twinning/v1/" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + rest;
    }

    static Response call(String method, String url, String body, String token) {
        return Rest.withToken(method, url, body, token);
    }

    /** Twins watch and phone with all_v1 tokens; returns the twinning id. */
    static String twin(String phone, String watch) {
        Response code = call("POST", url(watch, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\"}}",
                token(watch, Scopes.ALL));
        assertThat(code.status()).as(code.text()).isEqualTo(201);
        Response on = call("POST", url(phone, "/twinnings"), "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":"
                + "{\"code\":\"" + code.twinning().path("activationCode").path("code").asText() + "\"}}}",
                token(phone, Scopes.ALL));
        assertThat(on.status()).as(on.text()).isEqualTo(201);
        return Rest.id(on);
    }

    static void assertUnauthorized(Response r, String challengeContains) {
        assertThat(r.status()).as(r.text()).isEqualTo(401);
        assertThat(r.messageId()).isEqualTo("SVC2003");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer").contains(challengeContains);
    }

    // ---- tests ----

    @Test
    void aValidTokenActsForItsDeviceAndAcrAuthMeansThatDevice() {
        String phone = Devices.tel();
        twin(phone, Devices.tel());
        Response byAddress = call("GET", url(phone, "/twinnings"), null, token(phone, Scopes.READ));
        assertThat(byAddress.status()).isEqualTo(200);
        Response byAcr = call("GET", url("acr:auth", "/twinnings"), null, token(phone, Scopes.READ));
        assertThat(byAcr.status()).isEqualTo(200);
        assertThat(byAcr.json().path("twinningList").path("twinning")).hasSize(1);
    }

    @Test
    void scopesMayComeAsAStringOrAsAnArray() {
        String phone = Devices.tel();
        String asArray = token(key, phone, "ignored", c -> c.claim("scope", List.of("x", Scopes.READ)));
        assertThat(call("GET", url(phone, "/twinnings"), null, asArray).status()).isEqualTo(200);
        String asScp = token(key, phone, "x", c -> c.claim("scp", List.of(Scopes.READ)));
        assertThat(call("GET", url(phone, "/twinnings"), null, asScp).status()).isEqualTo(200);
        String none = token(key, phone, "x y", c -> {});
        assertThat(call("GET", url(phone, "/twinnings"), null, none).status()).isEqualTo(403);
    }

    @Test
    void missingOrMalformedAuthorizationIs401WithABearerChallenge() {
        String d = Devices.tel();
        assertUnauthorized(call("GET", url(d, "/twinnings"), null, null), "realm=\"twinning\"");
        Response basic = Rest.send(HttpRequest.newBuilder(URI.create(url(d, "/twinnings")))
                .header("Authorization", "Basic dXNlcjpwYXNz").GET());
        assertUnauthorized(basic, "realm");
        assertUnauthorized(call("GET", url(d, "/twinnings"), null, "not.a.jwt"), "invalid_token");
    }

    @Test
    void twoAuthorizationHeadersOverHttp11Are400RequestErrorWhateverTheirOrder() throws Exception {
        String phone = Devices.tel();
        String watch = Devices.tel();
        String mine = token(phone, Scopes.ALL);
        String other = token(watch, Scopes.ALL);
        for (String[] pair : new String[][] {{mine, other}, {other, mine}, {mine, mine}}) {
            // a raw HTTP/1.1 request: two separate header lines, nothing merged by a client library
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", core.httpPort())) {
                s.setSoTimeout(10_000);
                String path = "/twinning/v1/acr:auth/twinnings";
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + pair[0] + "\r\nAuthorization: Bearer " + pair[1] + "\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(answer).startsWith("HTTP/1.1 400");
                assertThat(answer).contains("\"requestError\"", "SVC0002", "Authorization")
                        .doesNotContain("twinningList");
            }
        }
    }

    @Test
    void expiredNotYetValidWrongIssuerAndWrongAudienceTokensAreRefused() {
        String d = Devices.tel();
        Instant now = Instant.now();
        Map<String, Consumer<JWTClaimsSet.Builder>> bad = Map.of(
                "expired", c -> c.expirationTime(Date.from(now.minusSeconds(120))),
                "not yet valid", c -> c.notBeforeTime(Date.from(now.plusSeconds(300))),
                "wrong issuer", c -> c.issuer("https://evil.example"),
                "wrong audience", c -> c.audience("someone-else"),
                "no expiry", c -> c.expirationTime(null));
        bad.forEach((why, tweak) -> {
            Response r = call("GET", url(d, "/twinnings"), null, token(key, d, Scopes.ALL, tweak));
            assertUnauthorized(r, "invalid_token");
        });
        // within the clock skew an expired token still passes
        Response skew = call("GET", url(d, "/twinnings"), null,
                token(key, d, Scopes.ALL, c -> c.expirationTime(Date.from(now.minusSeconds(20)))));
        assertThat(skew.status()).isEqualTo(200);
    }

    @Test
    void badSignaturesUnsignedTokensAndUnknownKeysAreRefused() throws Exception {
        String d = Devices.tel();
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertUnauthorized(call("GET", url(d, "/twinnings"), null, token(impostor, d, Scopes.ALL, c -> {})),
                "invalid_token");
        String none = new PlainJWT(new JWTClaimsSet.Builder().issuer(ISSUER).audience("twinning").subject(d)
                .claim("scope", Scopes.ALL).expirationTime(Date.from(Instant.now().plusSeconds(300))).build())
                .serialize();
        assertUnauthorized(call("GET", url(d, "/twinnings"), null, none), "invalid_token");
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("unpublished").generate();
        assertUnauthorized(call("GET", url(d, "/twinnings"), null, token(unknown, d, Scopes.ALL, c -> {})),
                "invalid_token");
    }

    @Test
    void aVerifiedTokenIsNotTrustedPastItsExpiry() throws Exception {
        TokenVerifier strict = new TokenVerifier(ISSUER, "twinning",
                URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/oauth2/jwks").toURL(),
                java.time.Duration.ZERO);
        String d = Devices.tel();
        String shortLived = token(key, d, Scopes.READ, c -> c.expirationTime(Date.from(Instant.now().plusMillis(3000))));
        assertThat(strict.verify(shortLived).subject()).isEqualTo(d);
        assertThat(strict.verify(shortLived).subject()).as("from the cache").isEqualTo(d);
        Thread.sleep(3_200); // JWT times have second precision: exp is at most 3 s away
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.verify(shortLived))
                .isInstanceOf(TokenVerifier.Rejected.class);
    }

    @Test
    void aRotatedKeyIsPickedUpFromTheJwks() throws Exception {
        String d = Devices.tel();
        RSAKey next = new RSAKeyGenerator(2048).keyID("k-next-" + UUID.randomUUID()).generate();
        PUBLISHED.add(next);
        Thread.sleep(1_100); // past the JWKS refetch rate limit
        Response r = call("GET", url(d, "/twinnings"), null, token(next, d, Scopes.ALL, c -> {}));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** method, path under the user, body, the scope it needs. */
    private static List<String[]> routes(String id) {
        return List.of(
                new String[] {"POST", "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}", Scopes.ACTIVATE},
                new String[] {"GET", "/twinnings", null, Scopes.READ},
                new String[] {"GET", "/twinnings/" + id, null, Scopes.READ},
                new String[] {"GET", "/twinnings/" + id + "/twinningStatus", null, Scopes.READ},
                new String[] {"GET", "/twinnings/" + id + "/name", null, Scopes.READ},
                new String[] {"PUT", "/twinnings/" + id + "/twinningStatus", "{\"twinningStatus\":\"On\"}", Scopes.TOGGLE},
                new String[] {"PUT", "/twinnings/" + id + "/name", "{\"name\":\"N\"}", Scopes.TOGGLE},
                new String[] {"PUT", "/twinnings/" + id, "{\"twinning\":{\"twinningStatus\":\"On\"}}", Scopes.TOGGLE},
                new String[] {"POST", "/subscriptions", "{\"twinningSubscription\":{\"callbackReference\":"
                        + "{\"notifyURL\":\"http://127.0.0.1:9/n\"}}}", Scopes.SUBSCRIPTION},
                new String[] {"GET", "/subscriptions", null, Scopes.SUBSCRIPTION},
                new String[] {"GET", "/subscriptions/none", null, Scopes.SUBSCRIPTION},
                new String[] {"DELETE", "/subscriptions/none", null, Scopes.SUBSCRIPTION},
                new String[] {"DELETE", "/twinnings/" + id, null, Scopes.DEACTIVATE});
    }

    @Test
    void eachResourceNeedsItsScopeAndAllV1CoversAll() {
        List<String> scopes = List.of(Scopes.ACTIVATE, Scopes.READ, Scopes.TOGGLE, Scopes.DEACTIVATE,
                Scopes.SUBSCRIPTION);
        String phone = Devices.tel();
        String id = twin(phone, Devices.tel());
        for (String[] route : routes(id)) {
            if (route[0].equals("DELETE") && route[1].startsWith("/twinnings")) {
                continue; // checked last, it ends the relationship
            }
            for (String scope : scopes) {
                String user = route[0].equals("POST") && route[1].equals("/twinnings") ? Devices.tel() : phone;
                Response r = call(route[0], url(user, route[1]), route[2], token(user, scope));
                String what = route[0] + " " + route[1] + " with " + scope;
                if (scope.equals(route[3])) {
                    assertThat(r.status()).as(what + ": " + r.text()).isNotIn(401, 403);
                } else {
                    assertThat(r.status()).as(what).isEqualTo(403);
                    assertThat(r.messageId()).as(what).isEqualTo("POL2003");
                    assertThat(r.header("WWW-Authenticate")).contains("insufficient_scope").contains(route[3]);
                }
            }
            String user = route[0].equals("POST") && route[1].equals("/twinnings") ? Devices.tel() : phone;
            Response all = call(route[0], url(user, route[1]), route[2], token(user, Scopes.ALL));
            assertThat(all.status()).as(route[0] + " " + route[1] + " with all_v1: " + all.text()).isNotIn(401, 403);
        }
        assertThat(call("DELETE", url(phone, "/twinnings/" + id), null, token(phone, Scopes.READ)).status())
                .isEqualTo(403);
        assertThat(call("DELETE", url(phone, "/twinnings/" + id), null, token(phone, Scopes.DEACTIVATE)).status())
                .isEqualTo(204);
    }

    @Test
    void scopesAreCheckedOverGrpcToo() {
        String phone = Devices.tel();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", core.grpcPort()).usePlaintext().build();
        try {
            for (String[] c : new String[][] {{Scopes.READ, "OK"}, {Scopes.ALL, "OK"}, {Scopes.TOGGLE, "PERMISSION_DENIED"},
                    {null, "UNAUTHENTICATED"}}) {
                Metadata h = new Metadata();
                if (c[0] != null) {
                    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                            "Bearer " + token(phone, c[0]));
                }
                var stub = TwinningServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
                Status.Code code;
                try {
                    stub.listTwinnings(ListTwinningsRequest.newBuilder().setUserId(phone).build());
                    code = Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    code = e.getStatus().getCode();
                }
                assertThat(code.name()).as(String.valueOf(c[0])).isEqualTo(c[1]);
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyGrpcMethodNeedsItsScope() {
        String phone = Devices.tel();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", core.grpcPort()).usePlaintext().build();
        List<String> scopes = List.of(Scopes.ACTIVATE, Scopes.READ, Scopes.TOGGLE, Scopes.DEACTIVATE,
                Scopes.SUBSCRIPTION, Scopes.ALL);
        try {
            for (var method : TwinningServiceGrpc.getServiceDescriptor().getMethods()) {
                String required = org.omatwin.core.infra.edge.auth.AccessRules.of(List.of(
                        org.omatwin.proto.twinning.v1.TwinningProto.getDescriptor().findServiceByName("TwinningService")))
                        .scopesFor(method.getFullMethodName()).stream().findFirst().orElse(null);
                assertThat(required).as(method.getFullMethodName() + " has a scope").isNotNull();
                var prototype = (com.google.protobuf.Message) ((io.grpc.MethodDescriptor.PrototypeMarshaller)
                        method.getRequestMarshaller()).getMessagePrototype();
                var request = prototype.toBuilder()
                        .setField(prototype.getDescriptorForType().findFieldByName("user_id"), phone).build();
                for (String scope : scopes) {
                    Metadata h = new Metadata();
                    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                            "Bearer " + token(phone, scope));
                    Status.Code code;
                    try {
                        io.grpc.Channel withToken = io.grpc.ClientInterceptors.intercept(channel,
                                MetadataUtils.newAttachHeadersInterceptor(h));
                        io.grpc.stub.ClientCalls.blockingUnaryCall(withToken, (io.grpc.MethodDescriptor) method,
                                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS),
                                request);
                        code = Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        code = e.getStatus().getCode();
                    }
                    String what = method.getFullMethodName() + " with " + scope;
                    if (scope.equals(required) || scope.equals(Scopes.ALL)) {
                        assertThat(code).as(what).isNotIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);
                    } else {
                        assertThat(code).as(what).isEqualTo(Status.Code.PERMISSION_DENIED);
                    }
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aDeviceCannotReachAnotherDevicesResources() {
        String phone = Devices.tel();
        String id = twin(phone, Devices.tel());
        String intruder = Devices.tel();
        for (String[] route : routes(id)) {
            Response r = call(route[0], url(phone, route[1]), route[2], token(intruder, Scopes.ALL));
            assertThat(r.status()).as(route[0] + " " + route[1]).isEqualTo(403);
            assertThat(r.messageId()).isEqualTo("POL2003");
        }
        assertThat(call("GET", url(phone, "/twinnings/" + id), null, token(phone, Scopes.READ)).status())
                .as("untouched").isEqualTo(200);
    }

    @Test
    void deactivationRevokesTheSecondarysTwinningTokensAtOnce() {
        String phone = Devices.tel();
        String watch = Devices.tel();
        String id = twin(phone, watch);
        String twinningToken = token(key, watch, Scopes.READ + " " + Scopes.TOGGLE,
                c -> c.claim(Scopes.TWINNING_CLAIM, id));
        assertThat(call("GET", url(watch, "/twinnings/" + id), null, twinningToken).status()).isEqualTo(200);
        assertThat(call("DELETE", url(phone, "/twinnings/" + id), null, token(phone, Scopes.DEACTIVATE)).status())
                .isEqualTo(204);
        Response after = call("GET", url(watch, "/twinnings"), null, twinningToken);
        assertUnauthorized(after, "invalid_token");
        JsonNode text = after.json().path("requestError").path("serviceException").path("text");
        assertThat(text.asText()).contains("revoked");
    }
}
