package org.omatwin.portal.security;

import org.omatwin.portal.core.CoreClient;
import org.omatwin.portal.core.CurrentSubscriber;
import org.omatwin.portal.core.DeviceAccount;
import org.omatwin.portal.core.DeviceCare;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.core.Twinnings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.stereotype.Component;

/**
 * The subscriber of the current request: the core is called with their own access token (forwarded
 * on every gRPC call), so the core decides what they may see; the portal holds no rights of its own.
 */
@Component
public class SignedInSubscriber implements CurrentSubscriber {
    private final CoreClient core;
    private final OAuth2AuthorizedClientManager clients;
    private final Formats formats;

    public SignedInSubscriber(CoreClient core, OAuth2AuthorizedClientManager clients, Formats formats) {
        this.core = core;
        this.clients = clients;
        this.formats = formats;
    }

    @Override
    public Formats formats() {
        return formats;
    }

    @Override
    public Twinnings twinnings() {
        return core.forSubscriber(accessToken());
    }

    @Override
    public DeviceCare deviceCare() {
        return core.deviceCareOf(accessToken());
    }

    /** The subscriber's DM account (the device pages). */
    public DeviceAccount deviceAccount() {
        return core.deviceAccountOf(accessToken());
    }

    private java.util.function.Supplier<String> accessToken() {
        // captured now, on the request thread: pushed updates run outside any request
        Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
        return () -> {
            if (signedIn == null) {
                throw new IllegalStateException("not signed in");
            }
            OAuth2AuthorizedClient client = clients.authorize(OAuth2AuthorizeRequest
                    .withClientRegistrationId(SecurityConfig.REGISTRATION).principal(signedIn).build());
            if (client == null) {
                throw new IllegalStateException("no access token");
            }
            return client.getAccessToken().getTokenValue();
        };
    }
}
