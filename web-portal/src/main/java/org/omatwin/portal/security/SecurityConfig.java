package org.omatwin.portal.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.omatwin.portal.core.CoreClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Sign-in with OpenID Connect (authorization code + PKCE) at TWIN_PORTAL_OIDC_ISSUER: the embedded
 * authorization server by default, the operator's provider in production. Sign-out ends the session
 * here and at the provider (RP-initiated logout). Every view requires a signed-in subscriber.
 */
@Configuration
@EnableWebSecurity
public class SecurityConfig {
    /** The client registration id in application.properties. */
    public static final String REGISTRATION = "twinning";

    @Bean
    SecurityFilterChain portalSecurity(HttpSecurity http, ClientRegistrationRepository clients) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(clients,
                "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.oauth2Login(o -> o.authorizationEndpoint(a -> a.authorizationRequestResolver(resolver)));
        // the DM account's HTML pages (plain Spring MVC, not Vaadin routes): any signed-in subscriber
        http.authorizeHttpRequests(a -> a.requestMatchers("/dm/v2/devices", "/dm/v2/devices/**").authenticated());
        http.with(VaadinSecurityConfigurer.vaadin(),
                v -> v.oauth2LoginPage("/oauth2/authorization/" + REGISTRATION, "{baseUrl}/"));
        return http.build();
    }

    /** Access tokens of signed-in subscribers, refreshed when expired; usable outside a request (push). */
    @Bean
    OAuth2AuthorizedClientManager authorizedClientManager(ClientRegistrationRepository clients,
            OAuth2AuthorizedClientService service) {
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(clients, service);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode().refreshToken().build());
        return manager;
    }

    @Bean(destroyMethod = "close")
    CoreClient coreClient(@Value("${twin.core.grpc-target}") String target) {
        return new CoreClient(target);
    }
}
