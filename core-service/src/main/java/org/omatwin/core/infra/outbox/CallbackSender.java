package org.omatwin.core.infra.outbox;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.infra.error.ApiException;

/**
 * POSTs a message's JSON body to its callback URL with {@code X-Notification-Id}; a 2xx is the
 * acknowledgement. The target is checked again before each attempt (a host that now resolves to a
 * private address is refused), and the connection goes to the address that was checked.
 *
 * <p>Why Armeria's client and not the JDK's: the JDK {@code HttpClient} resolves the URL's host itself
 * when it connects, a second DNS lookup after the check, which a rebinding DNS server answers with an
 * internal address. It cannot be given an address: sending to the IP with a {@code Host} header needs
 * the restricted-header switch (JVM-wide), and for https its SNI and hostname verification then use
 * the IP (a client per host with {@code SSLParameters.setServerNames} and no endpoint identification
 * would give up verifying the certificate's name); a JVM-wide {@code InetAddressResolverProvider}
 * would change every lookup of the process. An Armeria {@link Endpoint} carries both: the host name
 * (the {@code Host} header, TLS SNI and certificate name verification) and the IP address it connects
 * to, here the one {@link CallbackTargetPolicy#resolve} checked.
 */
public final class CallbackSender implements Sender, AutoCloseable {
    private final NotifyPolicy policy;
    private final CallbackTargetPolicy targets;
    private final ClientFactory factory;

    public CallbackSender(NotifyPolicy policy, CallbackTargetPolicy targets) {
        this.policy = policy;
        this.targets = targets;
        this.factory = ClientFactory.builder()
                .connectTimeout(policy.httpTimeout())
                .build();
    }

    @Override
    public String targetKind() {
        return Target.Callback.KIND;
    }

    @Override
    public CompletableFuture<Outcome> send(Delivery d) {
        URI url = ((Target.Callback) d.target()).url();
        InetAddress checked;
        try {
            checked = targets.resolve(url);
        } catch (ApiException refused) {
            return CompletableFuture.completedFuture(new Outcome.Retry("target refused: " + refused.text()));
        }
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        if (!tls && !"http".equalsIgnoreCase(url.getScheme())) {
            return CompletableFuture.completedFuture(new Outcome.Rejected("not an http(s) URL"));
        }
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        Endpoint endpoint = Endpoint.of(host, port).withIpAddr(checked.getHostAddress());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        // HTTP/1.1 only, as before (no h2c upgrade probe towards simple listeners); no redirects.
        WebClient client = WebClient.builder(tls ? SessionProtocol.H1 : SessionProtocol.H1C, endpoint)
                .factory(factory)
                .responseTimeout(policy.httpTimeout())
                .maxResponseLength(64 * 1024)
                .build();
        HttpRequest request = HttpRequest.of(RequestHeaders.builder(HttpMethod.POST, path)
                        .contentType(MediaType.JSON_UTF_8)
                        .add("X-Notification-Id", d.id())
                        .add(HttpHeaderNames.USER_AGENT, "twinning-notify/1")
                        .build(),
                HttpData.ofUtf8(d.body()));
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        client.execute(request).aggregate().handle((response, error) -> {
            if (error != null) {
                outcome.complete(new Outcome.Retry(error.getClass().getSimpleName() + ": " + error.getMessage()));
            } else {
                int status = response.status().code();
                outcome.complete(status >= 200 && status < 300 ? Outcome.DELIVERED
                        : new Outcome.Retry("HTTP " + status));
            }
            return null;
        });
        return outcome;
    }

    @Override
    public Duration retryHorizon() {
        return policy.retryHorizon();
    }

    @Override
    public void close() {
        factory.close();
    }
}
