package org.omatwin.portal.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.omatwin.portal.core.CoreClient;
import org.omatwin.portal.core.Formats;
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
    public static final String SIGN_IN_ROUTE = "signin";
    public static final String SIGNED_OUT_ROUTE = "signed-out";

    @Bean
    SecurityFilterChain portalSecurity(HttpSecurity http, ClientRegistrationRepository clients) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(clients,
                "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        // a signed-out visitor lands on the portal's sign-in page, not straight at the provider
        http.oauth2Login(o -> o.loginPage("/" + SIGN_IN_ROUTE)
                .authorizationEndpoint(a -> a.authorizationRequestResolver(resolver)));
        // the DM account's HTML pages (plain Spring MVC, not Vaadin routes): any signed-in subscriber
        http.authorizeHttpRequests(a -> a.requestMatchers("/dm/v2/devices", "/dm/v2/devices/**").authenticated());
        // the portal's own sign-in page (the operator's name, one button), and a "you are signed out" page
        // to come back to from the provider's logout
        // and any other address, for a signed-in subscriber, goes to the portal (its "page not found"),
        // not to a bare 403 (the framework's default denies every request that is not a known route)
        http.with(VaadinSecurityConfigurer.vaadin(),
                v -> v.oauth2LoginPage("/" + SIGN_IN_ROUTE, "{baseUrl}/" + SIGNED_OUT_ROUTE)
                        .anyRequest(any -> any.authenticated()));
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

    @Bean
    Formats formats(@Value("${twin.portal.operator-name}") String operatorName,
            @Value("${twin.portal.networks}") String networks, @Value("${twin.portal.home-region}") String region) {
        return new Formats(operatorName, networks, region);
    }

    @Bean(destroyMethod = "close")
    CoreClient coreClient(@Value("${twin.core.grpc-target}") String target) {
        return new CoreClient(target);
    }
}
