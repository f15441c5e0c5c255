package org.omatwin.auth;

import java.nio.file.Path;
import java.time.Duration;

/** Every setting of the authorization server, from environment variables, in one place. */
public record AuthSettings(
        String issuer,
        Path dataDir,
        boolean devDeviceTokens,
        String devClientSecret,
        Duration accessTokenTtl,
        String audience,
        String coreClientSecret,
        String secondaryClientSecret,
        Duration authCodeTtl,
        String coreApiUrl,
        String dmwsiDemoSecret,
        String dmwsiAppsSecret) {

    /** @param env environment variables (or Spring's Environment, which resolves them) */
    public static AuthSettings from(java.util.function.BinaryOperator<String> env) {
        int port = Integer.parseInt(env.apply("TWIN_AUTH_PORT", "9000"));
        String issuer = env.apply("TWIN_AUTH_ISSUER", "http://localhost:" + port);
        return new AuthSettings(
                issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer,
                Path.of(env.apply("TWIN_DATA_DIR", "twinning-data")).toAbsolutePath().resolve("auth"),
                Boolean.parseBoolean(env.apply("TWIN_DEV_DEVICE_TOKENS", "false")),
                env.apply("TWIN_DEV_DEVICE_CLIENT_SECRET", "device-simulator-secret"),
                Duration.ofSeconds(Long.parseLong(env.apply("TWIN_AUTH_TOKEN_TTL_SECONDS", "3600"))),
                env.apply("TWIN_AUTH_AUDIENCE", "twinning"),
                env.apply("TWIN_AUTH_CORE_CLIENT_SECRET", "twinning-core-secret"),
                env.apply("TWIN_AUTH_SECONDARY_CLIENT_SECRET", "twinning-secondary-secret"),
                Duration.ofSeconds(Long.parseLong(env.apply("TWIN_AUTH_CODE_TTL_SECONDS", "300"))),
                env.apply("TWIN_CORE_API_URL", "http://127.0.0.1:8080/twinning/v1"),
                env.apply("TWIN_DEV_DMWSI_CLIENT_SECRET", "dmwsi-demo-secret"),
                env.apply("TWIN_DEV_DMWSI_APPS_SECRET", "dmwsi-apps-secret"));
    }
}
