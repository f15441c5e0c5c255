package org.omatwin.auth;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Sign-in to the self-care portal (OpenID Connect): the {@value #PORTAL_CLIENT} client (authorization
 * code + PKCE, openid and the portal scope) and, in the embedded default run only, the demo subscribers
 * of TWIN_DEMO_SUBSCRIBERS with form login. In production the portal points at the operator's own
 * OpenID Connect provider instead.
 */
@Configuration
public class PortalSignIn {
    static final String PORTAL_CLIENT = "twinning-portal";
    /** What the core's SubscriberService requires (core-service SubscriberAuthInterceptor.SCOPE). */
    static final String PORTAL_SCOPE = "twinning.portal";

    /** The portal's settings, from environment variables. */
    record Settings(List<String> demoSubscribers, String demoPassword, String clientSecret, List<String> portalUrls) {
        static Settings from(Environment env) {
            String demo = env.getProperty("TWIN_DEMO_SUBSCRIBERS", "");
            List<String> ids = Arrays.stream(demo.split(";")).map(String::strip).filter(e -> e.contains("="))
                    .map(e -> e.substring(0, e.indexOf('=')).strip()).filter(s -> !s.isEmpty()).toList();
            List<String> urls = Arrays.stream(env.getProperty("TWIN_PORTAL_URL", "http://localhost:8081,http://127.0.0.1:8081").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty())
                    .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
            return new Settings(ids, env.getProperty("TWIN_DEMO_PASSWORD", "demo"),
                    env.getProperty("TWIN_PORTAL_CLIENT_SECRET", "twinning-portal-secret"), urls);
        }
    }

    @Bean
    Settings portalSettings(Environment env) {
        return Settings.from(env);
    }

    /** Demo subscribers only (development); none when TWIN_DEMO_SUBSCRIBERS is empty. */
    @Bean
    UserDetailsService demoSubscribers(Settings settings) {
        List<UserDetails> users = settings.demoSubscribers().stream()
                .map(id -> User.withUsername(id).password("{noop}" + settings.demoPassword()).roles("SUBSCRIBER")
                        .build())
                .toList();
        if (!users.isEmpty()) {
            LoggerFactory.getLogger(PortalSignIn.class).warn(
                    "TWIN_DEMO_SUBSCRIBERS: demo subscribers {} can sign in to the portal; development only",
                    settings.demoSubscribers());
        }
        return new InMemoryUserDetailsManager(users);
    }

    static RegisteredClient portalClient(Settings settings, AuthSettings auth) {
        return RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(PORTAL_CLIENT)
                .clientSecret("{noop}" + settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(r -> settings.portalUrls().forEach(u -> r.add(u + "/login/oauth2/code/twinning")))
                .postLogoutRedirectUris(r -> settings.portalUrls().forEach(u -> {
                    r.add(u + "/");
                    r.add(u + "/signed-out"); // the portal's "you are signed out" page
                }))
                .scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .scope(PORTAL_SCOPE)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(auth.accessTokenTtl()).build())
                .build();
    }
}
