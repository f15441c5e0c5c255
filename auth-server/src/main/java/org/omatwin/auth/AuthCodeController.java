package org.omatwin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * HLF-SD-009: on activation the core asks here for an OAuth authorization code bound to the secondary
 * device; the code goes into the secondary's resource ({@code authCode}) and is exchanged by the
 * secondary's twinning application at /oauth2/token (grant_type=authorization_code) for a token whose
 * subject is the primary's address and whose scopes are the primary-services ones. Single use and
 * expiry (TWIN_AUTH_CODE_TTL_SECONDS) are Spring Authorization Server's: a second exchange of the
 * same code fails and invalidates the tokens the first produced (RFC 6749 section 4.1.2).
 */
@RestController
public class AuthCodeController {
    static final String TWINNING_ATTRIBUTE = "twinning_id";
    static final String SECONDARY_ATTRIBUTE = "secondary";

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationService authorizations;
    private final AuthSettings settings;
    private final RevokedTwinnings revoked;

    public AuthCodeController(RegisteredClientRepository clients, OAuth2AuthorizationService authorizations,
            AuthSettings settings, RevokedTwinnings revoked) {
        this.clients = clients;
        this.authorizations = authorizations;
        this.settings = settings;
        this.revoked = revoked;
    }

    /**
     * HLF-TE-004: the core reports a deactivated twinning (through its outbox, retried until this
     * answers 204). From then on every token with that {@code twinning_id} introspects as inactive,
     * the authCode can no longer be exchanged, and no twinning token is issued for it; kept on disk.
     */
    @PostMapping(path = "/internal/revoked-twinnings", produces = "application/json")
    public ResponseEntity<Map<String, Object>> revoke(
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestParam("twinning_id") String twinningId) throws java.io.IOException {
        if (!coreAuthenticated(authorization)) {
            AUDIT.info("twinning revocation refused: reason=client authentication failed");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Basic realm=\"twinning\"")
                    .body(Map.of("error", "invalid_client"));
        }
        if (!RevokedTwinnings.ID.matcher(twinningId).matches()) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid_request",
                    "error_description", "twinning_id must be an id"));
        }
        revoked.revoke(twinningId);
        AUDIT.info("twinning revoked: twinning={}", twinningId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/internal/auth-codes", produces = "application/json")
    public ResponseEntity<Map<String, Object>> issue(
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestParam("primary") String primary,
            @RequestParam("secondary") String secondary,
            @RequestParam("twinning_id") String twinningId) {
        if (!coreAuthenticated(authorization)) {
            AUDIT.info("auth code refused: reason=client authentication failed");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Basic realm=\"twinning\"")
                    .body(Map.of("error", "invalid_client"));
        }
        if (!AuthorizationServerConfig.DEVICE.matcher(primary).matches()
                || !AuthorizationServerConfig.DEVICE.matcher(secondary).matches() || twinningId.isBlank()
                || twinningId.length() > 64 || revoked.isRevoked(twinningId)) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid_request",
                    "error_description", "primary and secondary must be device addresses, twinning_id an id"));
        }
        RegisteredClient client = clients.findByClientId(AuthorizationServerConfig.SECONDARY_CLIENT);
        Instant now = Instant.now();
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        OAuth2AuthorizationCode code = new OAuth2AuthorizationCode(
                Base64.getUrlEncoder().withoutPadding().encodeToString(random), now,
                now.plus(settings.authCodeTtl()));
        var scopes = new HashSet<>(AuthorizationServerConfig.PRIMARY_SERVICE_SCOPES);
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(settings.issuer() + "/oauth2/authorize")
                .clientId(client.getClientId())
                .scopes(scopes)
                .build();
        OAuth2Authorization authz = OAuth2Authorization.withRegisteredClient(client)
                .principalName(primary)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizedScopes(scopes)
                .attribute(java.security.Principal.class.getName(),
                        UsernamePasswordAuthenticationToken.authenticated(primary, null, List.of()))
                .attribute(OAuth2AuthorizationRequest.class.getName(), request)
                .attribute(TWINNING_ATTRIBUTE, twinningId)
                .attribute(SECONDARY_ATTRIBUTE, secondary)
                .token(code)
                .build();
        authorizations.save(authz);
        AUDIT.info("auth code issued: primary={} secondary={} twinning={} expires={}", primary, secondary, twinningId,
                code.getExpiresAt());
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("code", code.getTokenValue(),
                "expires_in", settings.authCodeTtl().toSeconds(), "client_id", client.getClientId(),
                "scope", String.join(" ", scopes)));
    }

    /**
     * Whether an authCode can still be exchanged (not yet exchanged, not expired, its twinning not
     * revoked): the core stops showing it on the secondary's resource once it cannot.
     */
    @PostMapping(path = "/internal/auth-codes/state", produces = "application/json")
    public ResponseEntity<Map<String, Object>> state(
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestParam("code") String code) {
        if (!coreAuthenticated(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Basic realm=\"twinning\"")
                    .body(Map.of("error", "invalid_client"));
        }
        OAuth2Authorization authz = authorizations.findByToken(code,
                new org.springframework.security.oauth2.server.authorization.OAuth2TokenType(
                        org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.CODE));
        OAuth2Authorization.Token<OAuth2AuthorizationCode> token =
                authz == null ? null : authz.getToken(OAuth2AuthorizationCode.class);
        return ResponseEntity.ok(Map.of("redeemable", token != null && token.isActive()));
    }

    private boolean coreAuthenticated(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String expected = AuthorizationServerConfig.CORE_CLIENT + ":" + settings.coreClientSecret();
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
    }
}
