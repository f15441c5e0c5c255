package org.omatwin.core.twinning.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.CoreProcess;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.testsupport.JavaService;
import org.omatwin.testsupport.Ports;
import org.omatwin.testsupport.Services;

/**
 * The default run end to end: the authorization server's jar and the core's jar as separate processes;
 * a device obtains a token as the README shows and twins over REST with it.
 */
class EmbeddedAuthIT {

    private static final String SECONDARY_CLIENT = "twinning-secondary";
    private static final String SECONDARY_SECRET = "twinning-secondary-secret";

    private static String tokenUrl(int authPort) {
        return "http://127.0.0.1:" + authPort + "/oauth2/token";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String deviceToken(int authPort, String device, String scope) {
        Response r = Rest.form(tokenUrl(authPort), "device-simulator", "device-simulator-secret",
                "grant_type=client_credentials&scope=" + enc(scope) + "&device=" + enc(device));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().path("access_token").asText();
    }

    private static Response exchange(int authPort, String code) {
        return Rest.form(tokenUrl(authPort), SECONDARY_CLIENT, SECONDARY_SECRET,
                "grant_type=authorization_code&code=" + enc(code));
    }

    private static Response twinningToken(int authPort, String deviceToken) {
        return Rest.form(tokenUrl(authPort), SECONDARY_CLIENT, SECONDARY_SECRET,
                "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token=" + deviceToken
                        + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:access_token")
                        + "&scope=" + enc("oma_rest_twinning.read oma_rest_twinning.toggle"));
    }

    private static Response call(String method, String url, String body, String token) {
        return Rest.withToken(method, url, body, token);
    }

    @Test
    void devicesTwinWithTokensFromTheEmbeddedAuthorizationServer() throws Exception {
        Path data = Files.createTempDirectory("twinning-e2e");
        int authPort = Ports.free();
        int httpPort = Ports.free();
        String issuer = "http://127.0.0.1:" + authPort;
        try (JavaService auth = Services.authServer().env(Map.of("TWIN_AUTH_PORT", Integer.toString(authPort),
                        "TWIN_DATA_DIR", data.toString(), "TWIN_DEV_DEVICE_TOKENS", "true", "TWIN_AUTH_ISSUER", issuer,
                        "TWIN_CORE_API_URL", "http://127.0.0.1:" + httpPort + "/twinning/v1")).start();
                CoreProcess core = CoreProcess.start(data, httpPort, Ports.free(),
                        Map.of("TWIN_AUTH_MODE", "jwt", "TWIN_AUTH_ISSUER", issuer,
                                "TWIN_AUTH_CODE_URL", issuer + "/internal/auth-codes"))) {
            String watch = Devices.tel();
            String phone = Devices.tel();
            String base = core.baseUrl();
            assertThat(call("GET", base + "acr:auth/twinnings", null, null).status()).isEqualTo(401);

            String watchToken = deviceToken(authPort, watch, "oma_rest_twinning.all_v1");
            Response pending = call("POST", base + "acr:auth/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}",
                    watchToken);
            assertThat(pending.status()).as(pending.text()).isEqualTo(201);
            assertThat(pending.twinning().path("ownAddress").asText()).isEqualTo(watch);

            String phoneToken = deviceToken(authPort, phone, "oma_rest_twinning.activate oma_rest_twinning.read");
            Response on = call("POST", base + "acr:auth/twinnings", "{\"twinning\":{\"role\":\"Primary\","
                    + "\"activationCode\":{\"code\":\"" + pending.twinning().path("activationCode").path("code").asText()
                    + "\"}}}", phoneToken);
            assertThat(on.status()).as(on.text()).isEqualTo(201);
            Response list = call("GET", base + "acr:auth/twinnings", null, phoneToken);
            assertThat(list.json().path("twinningList").path("twinning").get(0).path("otherDevice").path("address")
                    .asText()).isEqualTo(watch);
            // HLF-SD-009: the secondary's resource carries an authCode, exchanged once for a token of the primary
            Response secondaryView = call("GET", base + "acr:auth/twinnings", null, watchToken);
            String authCode = secondaryView.json().path("twinningList").path("twinning").get(0).path("authCode").asText();
            assertThat(authCode).isNotBlank();
            Response exchanged = exchange(authPort, authCode);
            assertThat(exchanged.status()).as(exchanged.text()).isEqualTo(200);
            String primaryServiceToken = exchanged.json().path("access_token").asText();
            assertThat(com.nimbusds.jwt.SignedJWT.parse(primaryServiceToken).getJWTClaimsSet().getSubject())
                    .isEqualTo(phone);
            assertThat(exchange(authPort, authCode).status()).as("single use").isEqualTo(400);

            // HLF-SD-005: the secondary trades its device token for a twinning token bound to the relationship
            assertThat(twinningToken(authPort, deviceToken(authPort, Devices.tel(), "oma_rest_twinning.all_v1")).status())
                    .as("a device that is not a twinned secondary gets none").isEqualTo(400);
            Response exchangedTwinning = twinningToken(authPort, watchToken);
            assertThat(exchangedTwinning.status()).as(exchangedTwinning.text()).isEqualTo(200);
            String twinningToken = exchangedTwinning.json().path("access_token").asText();
            var twinningClaims = com.nimbusds.jwt.SignedJWT.parse(twinningToken).getJWTClaimsSet();
            assertThat(twinningClaims.getSubject()).isEqualTo(watch);
            String id = on.twinning().path("resourceURL").asText();
            id = id.substring(id.lastIndexOf('/') + 1);
            assertThat(twinningClaims.getStringClaim("twinning_id")).isEqualTo(id);
            assertThat(call("PUT", base + "acr:auth/twinnings/" + id + "/twinningStatus", "{\"twinningStatus\":\"Off\"}",
                    twinningToken).status()).isEqualTo(200);

            Response noScope = call("DELETE", on.twinning().path("resourceURL").asText()
                    .replace("http://localhost:" + core.httpPort, "http://127.0.0.1:" + core.httpPort), null,
                    phoneToken);
            assertThat(noScope.status()).isEqualTo(403);
            assertThat(noScope.messageId()).isEqualTo("POL2003");

            // deactivation by the primary revokes the secondary's twinning token at once (HLF-TE-004)
            String phoneDeactivates = deviceToken(authPort, phone, "oma_rest_twinning.deactivate");
            assertThat(call("DELETE", base + "acr:auth/twinnings/" + id, null, phoneDeactivates).status()).isEqualTo(204);
            assertThat(call("GET", base + "acr:auth/twinnings", null, twinningToken).status()).isEqualTo(401);
        }
    }
}
