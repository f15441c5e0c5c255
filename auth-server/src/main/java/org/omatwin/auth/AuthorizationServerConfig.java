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
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
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

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final Pattern DEVICE = Pattern.compile(
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
                })
                .authorizeHttpRequests(a -> a.anyRequest().authenticated());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/health").permitAll().anyRequest().denyAll())
                .csrf(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    RegisteredClientRepository registeredClients(AuthSettings settings) {
        List<RegisteredClient> clients = new ArrayList<>();
        if (settings.devDeviceTokens()) {
            // DEVELOPMENT ONLY: stands in for the operator's device authentication (SIM-based in real
            // networks): whoever holds this client's secret gets a token for any device address.
            clients.add(RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(DEVICE_SIMULATOR)
                    .clientSecret("{noop}" + settings.devClientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .scopes(s -> s.addAll(TWINNING_SCOPES))
                    .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenTtl()).build())
                    .build());
            LoggerFactory.getLogger(AuthorizationServerConfig.class).warn(
                    "TWIN_DEV_DEVICE_TOKENS=true: the '{}' client issues tokens for any device address; "
                            + "development only", DEVICE_SIMULATOR);
        }
        if (clients.isEmpty()) {
            // No client at all: every token request is refused (invalid_client).
            clients.add(RegisteredClient.withId("none").clientId("disabled-" + UUID.randomUUID())
                    .clientSecret("{noop}" + UUID.randomUUID())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).build());
        }
        return new InMemoryRegisteredClientRepository(clients);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(AuthSettings settings) throws IOException {
        JWKSet keys = SigningKeys.loadOrCreate(settings.dataDir());
        return new ImmutableJWKSet<>(keys);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthSettings settings) {
        return AuthorizationServerSettings.builder().issuer(settings.issuer()).build();
    }

    /** Access tokens are for the twinning API; device tokens carry the device as their subject. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer(AuthSettings settings) {
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            context.getClaims().audience(List.of(settings.audience()));
            String client = context.getRegisteredClient().getClientId();
            if (DEVICE_SIMULATOR.equals(client)
                    && context.getAuthorizationGrant() instanceof OAuth2ClientCredentialsAuthenticationToken grant) {
                Object device = grant.getAdditionalParameters().get("device");
                if (!(device instanceof String address) || !DEVICE.matcher(address).matches()) {
                    AUDIT.info("token refused: client={} reason=invalid device parameter", client);
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                            "the device parameter must be a tel:+<6-15 digits>, sip: or acr: address", null));
                }
                context.getClaims().subject(address);
                AUDIT.info("token issued: client={} device={} scopes={}", client, address,
                        context.getAuthorizedScopes());
            } else {
                AUDIT.info("token issued: client={} subject={} scopes={}", client,
                        context.getPrincipal().getName(), context.getAuthorizedScopes());
            }
        };
    }
}
