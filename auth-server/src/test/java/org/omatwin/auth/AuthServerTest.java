package org.omatwin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The embedded authorization server over real HTTP: metadata, JWKS, device tokens, persisted keys. */
class AuthServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext start(Path dataDir, boolean devTokens) {
        return start(dataDir, devTokens, 300);
    }

    private static ConfigurableApplicationContext start(Path dataDir, boolean devTokens, int codeTtl) {
        return new SpringApplicationBuilder(AuthServerApplication.class).properties(Map.of(
                "server.port", "0",
                "TWIN_DATA_DIR", dataDir.toString(),
                "TWIN_AUTH_ISSUER", "http://auth.test:9000",
                "TWIN_AUTH_CODE_TTL_SECONDS", Integer.toString(codeTtl),
                "TWIN_DEV_DEVICE_TOKENS", Boolean.toString(devTokens))).run();
    }

    private static HttpResponse<String> form(ConfigurableApplicationContext ctx, String path, String user,
            String secret, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(ctx) + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String issueCode(ConfigurableApplicationContext ctx) throws Exception {
        HttpResponse<String> r = form(ctx, "/internal/auth-codes", "twinning-core", "twinning-core-secret",
                "primary=tel%3A%2B447700900999&secondary=tel%3A%2B447700900123&twinning_id=tw1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("code").asString();
    }

    private static HttpResponse<String> exchange(ConfigurableApplicationContext ctx, String code) throws Exception {
        return form(ctx, "/oauth2/token", "twinning-secondary", "twinning-secondary-secret",
                "grant_type=authorization_code&code=" + URLEncoder.encode(code, StandardCharsets.UTF_8));
    }

    @Test
    void theAuthCodeGivesTheSecondaryATokenForThePrimarysServicesOnce() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), false)) {
            assertThat(form(ctx, "/internal/auth-codes", "twinning-core", "wrong",
                    "primary=tel%3A%2B447700900999&secondary=tel%3A%2B447700900123&twinning_id=tw1").statusCode())
                    .isEqualTo(401);
            String code = issueCode(ctx);
            assertThat(form(ctx, "/internal/auth-codes/state", "twinning-core", "twinning-core-secret",
                    "code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)).body()).contains("\"redeemable\":true");
            HttpResponse<String> first = exchange(ctx, code);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            String accessToken = JSON.readTree(first.body()).path("access_token").asString();
            var claims = SignedJWT.parse(accessToken).getJWTClaimsSet();
            assertThat(claims.getSubject()).as("the primary's address").isEqualTo("tel:+447700900999");
            assertThat(claims.getStringListClaim("scope"))
                    .containsExactlyInAnyOrderElementsOf(AuthorizationServerConfig.PRIMARY_SERVICE_SCOPES);
            assertThat(claims.getStringClaim("twinning_id")).isEqualTo("tw1");

            // the core asks whether the secondary's authCode can still be used: not once exchanged
            assertThat(form(ctx, "/internal/auth-codes/state", "twinning-core", "twinning-core-secret",
                    "code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)).body()).contains("\"redeemable\":false");
            assertThat(form(ctx, "/internal/auth-codes/state", "twinning-core", "wrong", "code=x").statusCode())
                    .isEqualTo(401);
            HttpResponse<String> replay = exchange(ctx, code);
            assertThat(replay.statusCode()).isEqualTo(400);
            assertThat(replay.body()).contains("invalid_grant");
            HttpResponse<String> introspect = form(ctx, "/oauth2/introspect", "twinning-secondary",
                    "twinning-secondary-secret", "token=" + accessToken);
            assertThat(JSON.readTree(introspect.body()).path("active").asBoolean())
                    .as("a replayed code revokes what the first exchange produced").isFalse();
        }
    }

    private static boolean active(ConfigurableApplicationContext ctx, String token) throws Exception {
        HttpResponse<String> r = form(ctx, "/oauth2/introspect", "twinning-secondary", "twinning-secondary-secret",
                "token=" + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("active").asBoolean();
    }

    private static HttpResponse<String> revoke(ConfigurableApplicationContext ctx, String secret, String id)
            throws Exception {
        return form(ctx, "/internal/revoked-twinnings", "twinning-core", secret, "twinning_id=" + id);
    }

    /** A stand-in for the core's REST API: the device of any token is the secondary of twinning tw1. */
    private static com.sun.net.httpserver.HttpServer fakeCore() throws Exception {
        var core = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        core.createContext("/twinning/v1/acr:auth/twinnings", ex -> {
            byte[] body = ("{\"twinningList\":{\"twinning\":[{\"role\":\"Secondary\",\"twinningStatus\":\"On\","
                    + "\"ownAddress\":\"tel:+447700900123\",\"resourceURL\":\"http://core/twinning/v1/x/twinnings/tw1\"}]}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        core.start();
        return core;
    }

    private static ConfigurableApplicationContext startWithCore(Path dataDir, int corePort) {
        return new SpringApplicationBuilder(AuthServerApplication.class).properties(Map.of(
                "server.port", "0",
                "TWIN_DATA_DIR", dataDir.toString(),
                "TWIN_AUTH_ISSUER", "http://auth.test:9000",
                "TWIN_CORE_API_URL", "http://127.0.0.1:" + corePort + "/twinning/v1",
                "TWIN_DEV_DEVICE_TOKENS", "true")).run();
    }

    private static HttpResponse<String> twinningToken(ConfigurableApplicationContext ctx, String deviceToken)
            throws Exception {
        return form(ctx, "/oauth2/token", "twinning-secondary", "twinning-secondary-secret",
                "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8)
                        + "&subject_token=" + deviceToken + "&subject_token_type="
                        + URLEncoder.encode("urn:ietf:params:oauth:token-type:access_token", StandardCharsets.UTF_8)
                        + "&scope=oma_rest_twinning.read");
    }

    @Test
    void aDeactivatedTwinningsTokensIntrospectAsInactiveAndStaySoAfterARestart() throws Exception {
        Path data = Files.createTempDirectory("auth");
        var core = fakeCore();
        try {
            try (ConfigurableApplicationContext ctx = startWithCore(data, core.getAddress().getPort())) {
                // the token obtained with the watch's authCode (subject: the primary)
                String primaryServices = JSON.readTree(exchange(ctx, issueCode(ctx)).body()).path("access_token")
                        .asString();
                // the watch's twinning token (RFC 8693 exchange of its device token)
                String device = JSON.readTree(token(ctx, "tel:+447700900123", "oma_rest_twinning.all_v1").body())
                        .path("access_token").asString();
                HttpResponse<String> exchanged = twinningToken(ctx, device);
                assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
                String twinningToken = JSON.readTree(exchanged.body()).path("access_token").asString();
                assertThat(SignedJWT.parse(twinningToken).getJWTClaimsSet().getStringClaim("twinning_id"))
                        .isEqualTo("tw1");
                String unusedCode = issueCode(ctx);
                assertThat(active(ctx, primaryServices)).isTrue();
                assertThat(active(ctx, twinningToken)).isTrue();

                assertThat(revoke(ctx, "wrong", "tw1").statusCode()).isEqualTo(401);
                assertThat(active(ctx, twinningToken)).isTrue();
                assertThat(revoke(ctx, "twinning-core-secret", "tw1").statusCode()).isEqualTo(204);
                assertThat(revoke(ctx, "twinning-core-secret", "tw1").statusCode()).as("idempotent").isEqualTo(204);

                assertThat(active(ctx, primaryServices)).isFalse();
                assertThat(active(ctx, twinningToken)).isFalse();
                assertThat(active(ctx, device)).as("the device's own token is not the twinning's").isTrue();
                assertThat(exchange(ctx, unusedCode).body()).contains("invalid_grant");
                assertThat(twinningToken(ctx, device).body()).contains("invalid_grant");
                assertThat(form(ctx, "/internal/auth-codes", "twinning-core", "twinning-core-secret",
                        "primary=tel%3A%2B447700900999&secondary=tel%3A%2B447700900123&twinning_id=tw1")
                        .statusCode()).isEqualTo(400);
            }
            assertThat(Files.readAllLines(data.resolve("auth/revoked-twinnings.txt"))).containsExactly("tw1");
            try (ConfigurableApplicationContext again = startWithCore(data, core.getAddress().getPort())) {
                String device = JSON.readTree(token(again, "tel:+447700900123", "oma_rest_twinning.all_v1").body())
                        .path("access_token").asString();
                assertThat(twinningToken(again, device).body()).as("still revoked after a restart")
                        .contains("invalid_grant");
                assertThat(form(again, "/internal/auth-codes", "twinning-core", "twinning-core-secret",
                        "primary=tel%3A%2B447700900999&secondary=tel%3A%2B447700900123&twinning_id=tw1")
                        .statusCode()).isEqualTo(400);
            }
        } finally {
            core.stop(0);
        }
    }

    @Test
    void anExpiredAuthCodeIsRefused() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), false, 1)) {
            String code = issueCode(ctx);
            Thread.sleep(1_500);
            HttpResponse<String> r = exchange(ctx, code);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("invalid_grant");
        }
    }

    private static String base(ConfigurableApplicationContext ctx) {
        return "http://127.0.0.1:" + ctx.getEnvironment().getProperty("local.server.port");
    }

    private static HttpResponse<String> token(ConfigurableApplicationContext ctx, String device, String scope)
            throws Exception {
        return token(ctx, device, scope, null);
    }

    private static HttpResponse<String> token(ConfigurableApplicationContext ctx, String device, String scope,
            String msisdn) throws Exception {
        String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)
                + (device == null ? "" : "&device=" + URLEncoder.encode(device, StandardCharsets.UTF_8))
                + (msisdn == null ? "" : "&msisdn=" + URLEncoder.encode(msisdn, StandardCharsets.UTF_8));
        String basic = Base64.getEncoder().encodeToString("device-simulator:device-simulator-secret".getBytes());
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(ctx) + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(ConfigurableApplicationContext ctx, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(ctx) + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void publishesMetadataAndIssuesDeviceTokensSignedWithItsPublishedKey() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), true)) {
            JsonNode meta = JSON.readTree(get(ctx, "/.well-known/oauth-authorization-server"));
            assertThat(meta.path("issuer").asString()).isEqualTo("http://auth.test:9000");
            assertThat(meta.path("token_endpoint").asString()).isEqualTo("http://auth.test:9000/oauth2/token");
            assertThat(meta.path("jwks_uri").asString()).isEqualTo("http://auth.test:9000/oauth2/jwks");

            HttpResponse<String> r = token(ctx, "tel:+447700900123", "oma_rest_twinning.read oma_rest_twinning.toggle");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            SignedJWT jwt = SignedJWT.parse(JSON.readTree(r.body()).path("access_token").asString());
            JWKSet keys = JWKSet.parse(get(ctx, "/oauth2/jwks"));
            RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key.isPrivate()).as("only the public key is published").isFalse();
            assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("tel:+447700900123");
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("twinning");
            assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("http://auth.test:9000");
            assertThat(jwt.getJWTClaimsSet().getStringListClaim("scope"))
                    .containsExactlyInAnyOrder("oma_rest_twinning.read", "oma_rest_twinning.toggle");
        }
    }

    @Test
    void refusesBadDevicesAndUnknownScopes() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), true)) {
            HttpResponse<String> noDevice = token(ctx, null, "oma_rest_twinning.read");
            assertThat(noDevice.statusCode()).isEqualTo(400);
            assertThat(noDevice.body()).contains("invalid_request");
            assertThat(token(ctx, "tel:12345", "oma_rest_twinning.read").statusCode()).isEqualTo(400);
            HttpResponse<String> scope = token(ctx, "tel:+447700900123", "voicemail.admin");
            assertThat(scope.statusCode()).isEqualTo(400);
            assertThat(scope.body()).contains("invalid_scope");
        }
    }

    @Test
    void dmDeviceTokensNameADevIdAndMayCarryTheLineTheNetworkAuthenticated() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), true)) {
            HttpResponse<String> r = token(ctx, "urn:imei:356938035643809", "oma_dm.device", "tel:+447700900123");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            SignedJWT jwt = SignedJWT.parse(JSON.readTree(r.body()).path("access_token").asString());
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("urn:imei:356938035643809");
            assertThat(jwt.getJWTClaimsSet().getStringClaim("msisdn")).isEqualTo("tel:+447700900123");
            assertThat(jwt.getJWTClaimsSet().getStringListClaim("scope")).containsExactly("oma_dm.device");

            // a twinning address is not a devId, a devId is not a twinning address, the kinds never mix
            assertThat(token(ctx, "tel:+447700900123", "oma_dm.device").statusCode()).isEqualTo(400);
            assertThat(token(ctx, "urn:imei:356938035643809", "oma_rest_twinning.read").statusCode()).isEqualTo(400);
            assertThat(token(ctx, "urn:imei:356938035643809", "oma_dm.device oma_rest_twinning.read").statusCode())
                    .isEqualTo(400);
            // msisdn only as a line, only on DM device tokens
            assertThat(token(ctx, "urn:imei:356938035643809", "oma_dm.device", "447700900123").statusCode())
                    .isEqualTo(400);
            assertThat(token(ctx, "tel:+447700900999", "oma_rest_twinning.read", "tel:+447700900123")
                    .statusCode()).isEqualTo(400);
        }
    }

    @Test
    void dmAccountTokensNameASubscriberInDevelopment() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), true)) {
            HttpResponse<String> r = accountToken(ctx, "scope=oma_dm.account&subscriber=alice");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            SignedJWT jwt = SignedJWT.parse(JSON.readTree(r.body()).path("access_token").asString());
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
            assertThat(jwt.getJWTClaimsSet().getStringListClaim("scope")).containsExactly("oma_dm.account");
            // alone, with a subscriber that is not a devId
            assertThat(accountToken(ctx, "scope=oma_dm.account").statusCode()).isEqualTo(400);
            assertThat(accountToken(ctx, "scope=oma_dm.account&subscriber=urn:imei:356938035643809").statusCode())
                    .isEqualTo(400);
            assertThat(accountToken(ctx, "scope=oma_dm.account%20oma_dm.device&subscriber=alice").statusCode())
                    .isEqualTo(400);
        }
    }

    private static HttpResponse<String> accountToken(ConfigurableApplicationContext ctx, String form) throws Exception {
        String basic = Base64.getEncoder().encodeToString("device-simulator:device-simulator-secret".getBytes());
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(ctx) + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&" + form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDemoExternalSystemGetsDmwsiTokensInDevelopment() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), true)) {
            String basic = Base64.getEncoder().encodeToString("dmwsi-demo:dmwsi-demo-secret".getBytes());
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base(ctx) + "/oauth2/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&scope=oma_dmwsi.read%20oma_dmwsi.operate")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            SignedJWT jwt = SignedJWT.parse(JSON.readTree(r.body()).path("access_token").asString());
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("dmwsi-demo");
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("twinning");
        }
    }

    @Test
    void deviceTokensAreRefusedUnlessEnabledForDevelopment() throws Exception {
        try (ConfigurableApplicationContext ctx = start(Files.createTempDirectory("auth"), false)) {
            HttpResponse<String> r = token(ctx, "tel:+447700900123", "oma_rest_twinning.read");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("invalid_client");
        }
    }

    @Test
    void theSigningKeySurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("auth");
        String token;
        String kid;
        try (ConfigurableApplicationContext ctx = start(dir, true)) {
            token = JSON.readTree(token(ctx, "tel:+447700900123", "oma_rest_twinning.read").body())
                    .path("access_token").asString();
            kid = SignedJWT.parse(token).getHeader().getKeyID();
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("auth/signing-keys.json")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        try (ConfigurableApplicationContext ctx = start(dir, true)) {
            JWKSet keys = JWKSet.parse(get(ctx, "/oauth2/jwks"));
            assertThat(keys.getKeys()).extracting(k -> k.getKeyID()).containsExactly(kid);
            assertThat(SignedJWT.parse(token).verify(new RSASSAVerifier((RSAKey) keys.getKeyByKeyId(kid)))).isTrue();
        }
    }

    @Test
    void theOmaScopesAreTheContractsOnes() {
        assertThat(AuthorizationServerConfig.TWINNING_SCOPES).isEqualTo(List.of("oma_rest_twinning.all_v1",
                "oma_rest_twinning.activate", "oma_rest_twinning.read", "oma_rest_twinning.toggle",
                "oma_rest_twinning.deactivate", "oma_rest_twinning.subscription"));
    }
}
