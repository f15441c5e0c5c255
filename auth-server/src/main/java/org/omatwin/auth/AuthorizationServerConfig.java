package org.omatwin.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/** Spring Authorization Server wiring: clients, scopes, keys, issuer and the device-token customizer. */
@Configuration
public class AuthorizationServerConfig {
    /** The OMA scopes (contract section 5). */
    static final List<String> TWINNING_SCOPES = List.of("oma_rest_twinning.all_v1", "oma_rest_twinning.activate",
            "oma_rest_twinning.read", "oma_rest_twinning.toggle", "oma_rest_twinning.deactivate",
            "oma_rest_twinning.subscription");
    static final String DEVICE_SIMULATOR = "device-simulator";
    /** The scope of DM 2.0 device tokens (dm-api.md section 1): subject = the device's devId. */
    static final String DM_DEVICE_SCOPE = "oma_dm.device";
    /** The scope of DM account tokens (dm-api.md section 1): subject = the subscriber. */
    static final String DM_ACCOUNT_SCOPE = "oma_dm.account";
    /** A subscriber id as the core's provisioning accepts it. */
    static final Pattern SUBSCRIBER = Pattern.compile("[A-Za-z0-9._~@+-]{1,200}");
    /** The DMWSI scopes of external systems (dm-api.md section 6). */
    static final List<String> DMWSI_SCOPES = List.of("oma_dmwsi.read", "oma_dmwsi.operate", "oma_dmwsi.jobs",
            "oma_dmwsi.subscribe", "oma_dmwsi.packages", "oma_dmwsi.provision", "oma_dmwsi.audit");
    /** The demo external system (customer care) registered in development. */
    static final String DMWSI_DEMO_CLIENT = "dmwsi-demo";
    static final String DMWSI_APPS_CLIENT = "dmwsi-apps";
    /** A devId (dm-api.md section 1): urn:imei: + 15 digits, urn:uuid: + UUID, or an RFC 9039 urn:dev: URN. */
    static final Pattern DEV_ID = Pattern.compile("(?i)urn:imei:[0-9]{15}|urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}"
            + "-[0-9a-f]{4}-[0-9a-f]{12}|urn:dev:(mac|ow|os|ops|org):[A-Za-z0-9._:-]{1,200}");
    /** A line as the network authenticated it (the msisdn claim of device tokens). */
    static final Pattern LINE = Pattern.compile("tel:\\+[0-9]{6,15}");
    /** The core, which asks for the secondary's authCode on activation (HTTP Basic with its secret). */
    static final String CORE_CLIENT = "twinning-core";
    /** The twinning application of secondary devices, which exchanges the authCode (HLF-SD-009). */
    static final String SECONDARY_CLIENT = "twinning-secondary";
    /** HLF-SD-005: what a secondary's twinning token allows: query, toggle, deactivate. */
    static final List<String> TWINNING_TOKEN_SCOPES = List.of("oma_rest_twinning.read", "oma_rest_twinning.toggle",
            "oma_rest_twinning.deactivate");
    /** What a secondary may do with the primary's services once it holds the authCode's token. */
    static final List<String> PRIMARY_SERVICE_SCOPES = List.of("primary.voicemail", "primary.messaging",
            "primary.calls");

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    /** A device address as the core accepts it (contract section 1). */
    static final Pattern DEVICE = Pattern.compile(
            "tel:\\+[0-9]{6,15}|sips?:[A-Za-z0-9._~!$&'()*+,;=:-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?|acr:[A-Za-z0-9._~@-]{1,256}");

    @Bean
    AuthSettings authSettings(org.springframework.core.env.Environment environment) {
        return AuthSettings.from(environment::getProperty);
    }

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer((OAuth2AuthorizationServerConfigurer as) -> {
                    http.securityMatcher(as.getEndpointsMatcher());
                    http.csrf(c -> c.ignoringRequestMatchers(as.getEndpointsMatcher()));
                    as.oidc(Customizer.withDefaults()); // portal sign-in (PortalSignIn)
                })
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                // a browser (the portal's sign-in) is sent to the login form
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint("/login"),
                        new org.springframework.security.web.util.matcher.MediaTypeRequestMatcher(
                                org.springframework.http.MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        // /internal/auth-codes(/state) and /internal/revoked-twinnings authenticate the core itself (client
        // secret), see AuthCodeController.
        http.authorizeHttpRequests(a -> a.requestMatchers("/internal/auth-codes", "/internal/auth-codes/state",
                                "/internal/revoked-twinnings")
                        .permitAll()
                        .requestMatchers("/login", "/error").permitAll().anyRequest().denyAll())
                .formLogin(Customizer.withDefaults()) // portal subscribers (PortalSignIn)
                .csrf(c -> c.ignoringRequestMatchers("/internal/auth-codes", "/internal/auth-codes/state",
                        "/internal/revoked-twinnings"));
        return http.build();
    }

    @Bean
    RegisteredClientRepository registeredClients(AuthSettings settings, PortalSignIn.Settings portal) {
        List<RegisteredClient> clients = new ArrayList<>();
        clients.add(PortalSignIn.portalClient(portal, settings));
        if (settings.devDeviceTokens()) {
            // DEVELOPMENT ONLY: stands in for the operator's device authentication (SIM-based in real
            // networks): whoever holds this client's secret gets a token for any device address.
            List<String> deviceScopes = new ArrayList<>(TWINNING_SCOPES);
            deviceScopes.add(DM_DEVICE_SCOPE);
            deviceScopes.add(DM_ACCOUNT_SCOPE);
            clients.add(clientCredentials(DEVICE_SIMULATOR, settings.devClientSecret(), deviceScopes, settings));
            // DEVELOPMENT ONLY: an external system (customer care) for the DMWSI walk-through.
            clients.add(clientCredentials(DMWSI_DEMO_CLIENT, settings.dmwsiDemoSecret(), DMWSI_SCOPES, settings));
            // DEVELOPMENT ONLY: a service provider with a narrower policy (pseudonyms; config/dm-policies.json).
            clients.add(clientCredentials(DMWSI_APPS_CLIENT, settings.dmwsiAppsSecret(), DMWSI_SCOPES, settings));
            LoggerFactory.getLogger(AuthorizationServerConfig.class).warn(
                    "TWIN_DEV_DEVICE_TOKENS=true: the '{}' client issues tokens for any device address; "
                            + "development only", DEVICE_SIMULATOR);
        }
        clients.add(RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(SECONDARY_CLIENT)
                .clientSecret("{noop}" + settings.secondaryClientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
                .scopes(s -> s.addAll(TWINNING_TOKEN_SCOPES))
                .redirectUri("urn:ietf:wg:oauth:2.0:oob")
                // The code is minted for the device by the core, not by a browser redirect: no PKCE
                // challenge exists; the client authenticates with its secret instead.
                .clientSettings(org.springframework.security.oauth2.server.authorization.settings.ClientSettings
                        .builder().requireProofKey(false).requireAuthorizationConsent(false).build())
                .scopes(s -> s.addAll(PRIMARY_SERVICE_SCOPES))
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenTtl())
                        .authorizationCodeTimeToLive(settings.authCodeTtl()).build())
                .build());
        return new InMemoryRegisteredClientRepository(clients);
    }

    /**
     * Authorizations (codes and the tokens they produced) kept in memory: codes live minutes. A device
     * token's authorization records its device as the principal, which token exchange (the secondary's
     * twinning token, HLF-SD-005) requires of a subject token.
     */
    @Bean
    RevokedTwinnings revokedTwinnings(AuthSettings settings) {
        return new RevokedTwinnings(settings.dataDir());
    }

    /**
     * An authorization bound to a deactivated twinning (HLF-TE-004): its authCode's attribute or its
     * access token's {@code twinning_id} claim names a revoked twinning.
     */
    static boolean revoked(RevokedTwinnings revoked,
            org.springframework.security.oauth2.server.authorization.OAuth2Authorization a) {
        if (a == null) {
            return false;
        }
        if (revoked.isRevoked(a.getAttribute(AuthCodeController.TWINNING_ATTRIBUTE))) {
            return true;
        }
        var access = a.getAccessToken();
        return access != null && access.getClaims() != null && revoked.isRevoked(access.getClaims().get("twinning_id"));
    }

    @Bean
    OAuth2AuthorizationService authorizationService(RevokedTwinnings revoked) {
        InMemoryOAuth2AuthorizationService store = new InMemoryOAuth2AuthorizationService();
        return new OAuth2AuthorizationService() {
            @Override
            public void save(org.springframework.security.oauth2.server.authorization.OAuth2Authorization a) {
                if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(a.getAuthorizationGrantType())
                        && a.getAccessToken() != null && a.getAccessToken().getClaims() != null
                        && a.getAttribute(java.security.Principal.class.getName()) == null) {
                    Object device = a.getAccessToken().getClaims().get("sub");
                    if (device instanceof String d && DEVICE.matcher(d).matches()) {
                        a = org.springframework.security.oauth2.server.authorization.OAuth2Authorization.from(a)
                                .attribute(java.security.Principal.class.getName(),
                                        org.springframework.security.authentication.UsernamePasswordAuthenticationToken
                                                .authenticated(d, null, List.of()))
                                .build();
                    }
                }
                store.save(a);
            }

            @Override
            public void remove(org.springframework.security.oauth2.server.authorization.OAuth2Authorization a) {
                store.remove(a);
            }

            // A revoked twinning's authorizations are not found: introspection answers active=false,
            // an authCode exchange fails with invalid_grant, a refresh or revocation finds nothing.
            @Override
            public org.springframework.security.oauth2.server.authorization.OAuth2Authorization findById(String id) {
                var found = store.findById(id);
                return revoked(revoked, found) ? null : found;
            }

            @Override
            public org.springframework.security.oauth2.server.authorization.OAuth2Authorization findByToken(
                    String token, OAuth2TokenType type) {
                var found = store.findByToken(token, type);
                return revoked(revoked, found) ? null : found;
            }
        };
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(AuthSettings settings) throws IOException {
        JWKSet keys = SigningKeys.loadOrCreate(settings.dataDir());
        return new ImmutableJWKSet<>(keys);
    }

    /** A client of the client-credentials grant (secret by HTTP Basic or in the form) with these scopes. */
    private static RegisteredClient clientCredentials(String id, String secret, List<String> scopes,
            AuthSettings settings) {
        return RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(id)
                .clientSecret("{noop}" + secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(s -> s.addAll(scopes))
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenTtl()).build())
                .build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthSettings settings) {
        return AuthorizationServerSettings.builder().issuer(settings.issuer()).build();
    }

    private static String client(JwtEncodingContext context) {
        return context.getRegisteredClient().getClientId();
    }

    /** Access tokens are for the twinning API; device tokens carry the device as their subject. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer(AuthSettings settings,
            RevokedTwinnings revokedTwinnings) {
        SecondaryTwinnings twinnings = new SecondaryTwinnings(settings.coreApiUrl());
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            context.getClaims().audience(List.of(settings.audience()));
            String client = client(context);
            if (AuthorizationGrantType.TOKEN_EXCHANGE.equals(context.getAuthorizationGrantType())
                    && context.getAuthorizationGrant() instanceof OAuth2TokenExchangeAuthenticationToken exchange) {
                // HLF-SD-005: the secondary trades its device token for a twinning token bound to its
                // relationship; the core says which one (and refuses if there is none).
                var found = twinnings.of(exchange.getSubjectToken()).orElseThrow(() -> {
                    AUDIT.info("twinning token refused: client={} reason=the device is not a twinned secondary",
                            client(context));
                    return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                            "the subject token's device is not the secondary of a live twinning", null));
                });
                if (revokedTwinnings.isRevoked(found.twinningId())) {
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                            "the twinning has been deactivated", null));
                }
                context.getClaims().subject(found.secondary()).claim("twinning_id", found.twinningId());
                AUDIT.info("twinning token issued: device={} twinning={} scopes={}", found.secondary(),
                        found.twinningId(), context.getAuthorizedScopes());
                return;
            }
            if (AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
                    && SECONDARY_CLIENT.equals(client)) {
                // the primary's services: subject is the primary, bound to the twinning and the secondary
                Object twinning = context.getAuthorization().getAttribute(AuthCodeController.TWINNING_ATTRIBUTE);
                Object secondary = context.getAuthorization().getAttribute(AuthCodeController.SECONDARY_ATTRIBUTE);
                context.getClaims().claim("twinning_id", String.valueOf(twinning))
                        .claim("act", java.util.Map.of("sub", String.valueOf(secondary)));
            }
            if (DEVICE_SIMULATOR.equals(client)
                    && context.getAuthorizationGrant() instanceof OAuth2ClientCredentialsAuthenticationToken grant) {
                if (context.getAuthorizedScopes().contains(DM_ACCOUNT_SCOPE)) {
                    // DEVELOPMENT ONLY: a DM account token for the subscriber named (the portal signs
                    // subscribers in; this stands in for it in curl walk-throughs)
                    Object subscriber = grant.getAdditionalParameters().get("subscriber");
                    if (context.getAuthorizedScopes().size() > 1 || !(subscriber instanceof String id)
                            || !SUBSCRIBER.matcher(id).matches() || DEV_ID.matcher(id).matches()) {
                        AUDIT.info("token refused: client={} reason=invalid oma_dm.account request", client);
                        throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                                "oma_dm.account is asked for alone, with subscriber=<subscriber id>", null));
                    }
                    context.getClaims().subject(id);
                    AUDIT.info("token issued: client={} subscriber={} scopes={}", client, id,
                            context.getAuthorizedScopes());
                    return;
                }
                Object device = grant.getAdditionalParameters().get("device");
                // A DM device token names a devId; a twinning token a device address: never both kinds.
                boolean dm = context.getAuthorizedScopes().contains(DM_DEVICE_SCOPE);
                if (dm && context.getAuthorizedScopes().size() > 1) {
                    AUDIT.info("token refused: client={} reason=oma_dm.device mixed with other scopes", client);
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
                            "oma_dm.device is asked for alone", null));
                }
                Pattern form = dm ? DEV_ID : DEVICE;
                if (!(device instanceof String address) || !form.matcher(address).matches()) {
                    AUDIT.info("token refused: client={} reason=invalid device parameter", client);
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, dm
                            ? "the device parameter must be a devId: urn:imei:, urn:uuid: or urn:dev:"
                            : "the device parameter must be a tel:+<6-15 digits>, sip: or acr: address", null));
                }
                context.getClaims().subject(address);
                Object msisdn = grant.getAdditionalParameters().get("msisdn");
                if (msisdn != null) {
                    if (!dm || !(msisdn instanceof String line) || !LINE.matcher(line).matches()) {
                        AUDIT.info("token refused: client={} reason=invalid msisdn parameter", client);
                        throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                                "msisdn is a tel:+<6-15 digits> line, for oma_dm.device tokens only", null));
                    }
                    // stands in for the network's SIM authentication of the line (dm-api.md section 3)
                    context.getClaims().claim("msisdn", line);
                }
                AUDIT.info("token issued: client={} device={} scopes={}", client, address,
                        context.getAuthorizedScopes());
            } else {
                AUDIT.info("token issued: client={} subject={} scopes={}", client,
                        context.getPrincipal().getName(), context.getAuthorizedScopes());
            }
        };
    }
}
