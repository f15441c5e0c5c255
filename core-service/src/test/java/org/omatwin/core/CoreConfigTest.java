package org.omatwin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreConfigTest {

    @Test
    void bearerTokensAreTheDefaultAndNeedAnIssuer() {
        assertThatThrownBy(() -> CoreConfig.from(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TWIN_AUTH_ISSUER");
        CoreConfig jwt = CoreConfig.from(Map.of("TWIN_AUTH_ISSUER", "https://auth.example/"));
        assertThat(jwt.auth().jwt()).isTrue();
        assertThat(jwt.auth().jwksUrl()).isEqualTo("https://auth.example/oauth2/jwks");
        assertThat(jwt.devCallerHeader()).as("no development header with tokens").isFalse();
    }

    @Test
    void developmentModeMustBeAskedFor() {
        CoreConfig dev = CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev"));
        assertThat(dev.auth().jwt()).isFalse();
        assertThat(dev.devCallerHeader()).isTrue();
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "none")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreSafeAndSecretsAreNotPrinted() {
        CoreConfig c = CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_DATABASE_URL", "jdbc:postgresql://db/t",
                "TWIN_DATABASE_PASSWORD", "s3cret-pw", "TWIN_CODE_HASH_KEY",
                "c2VjcmV0LWtleS1vZi1hdC1sZWFzdC0zMi1ieXRlcy0hIQ=="));
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.grpcPort()).isEqualTo(9090);
        assertThat(c.policy().maxSecondaries()).isEqualTo(5);
        assertThat(c.policy().codeLifetime().toMinutes()).isEqualTo(10);
        assertThat(c.toString()).doesNotContain("s3cret-pw").doesNotContain("c2VjcmV0");
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev", "TWIN_HTTP_PORT", "http")))
                .hasMessageContaining("TWIN_HTTP_PORT");
    }

    @Test
    void theDeviceGatewayIsOffUnlessAnHttpUrlIsConfigured() {
        assertThat(CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev")).dm().gatewayUrl()).isNull();
        CoreConfig on = CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev",
                "TWIN_DM_GATEWAY_URL", "https://sms-gw.operator.example/wake"));
        assertThat(on.dm().gatewayUrl()).hasToString("https://sms-gw.operator.example/wake");
        assertThat(on.dm().gatewayDelay().toSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev",
                "TWIN_DM_GATEWAY_URL", "ftp://gw.example/")))
                .hasMessageContaining("TWIN_DM_GATEWAY_URL");
        assertThatThrownBy(() -> CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev",
                "TWIN_DM_GATEWAY_URL", "https://user:pw@gw.example/")))
                .hasMessageContaining("TWIN_DM_GATEWAY_URL");
    }

    @Test
    void secondaryDmServersNeedTheirCaTheirNameAndTheListenersCertificate(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "x");
        Map<String, String> env = new java.util.HashMap<>(Map.of("TWIN_AUTH_MODE", "dev",
                "TWIN_DM_SECONDARIES", "acme, big-corp",
                "TWIN_DM_SECONDARY_ACME_CA", pem.toString(), "TWIN_DM_SECONDARY_ACME_NAME", "dm.acme.test",
                "TWIN_DM_SECONDARY_BIG_CORP_CA", pem.toString(), "TWIN_DM_SECONDARY_BIG_CORP_NAME", "dm.big.test"));
        assertThatThrownBy(() -> CoreConfig.from(env)).hasMessageContaining("TWIN_PEER_CERT");
        env.putAll(Map.of("TWIN_PEER_CERT", pem.toString(), "TWIN_PEER_KEY", pem.toString(), "TWIN_PEER_PORT", "19443"));
        CoreConfig c = CoreConfig.from(env);
        assertThat(c.dm().secondaries()).extracting(s -> s.clientId())
                .containsExactly("secondary:acme", "secondary:big-corp");
        assertThat(c.dm().secondaries().get(1).certificateName()).isEqualTo("dm.big.test");
        assertThat(c.partnerListener().port()).isEqualTo(19443);
        assertThat(c.toString()).contains("secondaryDmServers=[acme, big-corp]");
        env.remove("TWIN_DM_SECONDARY_BIG_CORP_NAME");
        assertThatThrownBy(() -> CoreConfig.from(env)).hasMessageContaining("TWIN_DM_SECONDARY_BIG_CORP_NAME");
        env.put("TWIN_DM_SECONDARIES", "Acme");
        assertThatThrownBy(() -> CoreConfig.from(env)).hasMessageContaining("TWIN_DM_SECONDARIES");
        assertThat(CoreConfig.from(Map.of("TWIN_AUTH_MODE", "dev")).partnerListener())
                .as("no partner and no secondary: no partner listener").isNull();
    }
}
