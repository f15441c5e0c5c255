package org.omatwin.core.infra.outbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.infra.error.ApiException;

/**
 * POSTs a message's JSON body to its callback URL with {@code X-Notification-Id}; a 2xx is the
 * acknowledgement. The target is checked again before each attempt (a host that now resolves to a
 * private address is refused).
 */
public final class CallbackSender implements Sender, AutoCloseable {
    private final NotifyPolicy policy;
    private final CallbackTargetPolicy targets;
    private final HttpClient http;

    public CallbackSender(NotifyPolicy policy, CallbackTargetPolicy targets) {
        this.policy = policy;
        this.targets = targets;
        this.http = HttpClient.newBuilder()
                .connectTimeout(policy.httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public String targetKind() {
        return Target.Callback.KIND;
    }

    @Override
    public CompletableFuture<Outcome> send(Delivery d) {
        URI url = ((Target.Callback) d.target()).url();
        try {
            targets.check(url);
        } catch (ApiException refused) {
            return CompletableFuture.completedFuture(new Outcome.Retry("target refused: " + refused.text()));
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(policy.httpTimeout())
                .header("Content-Type", "application/json")
                .header("X-Notification-Id", d.id())
                .header("User-Agent", "twinning-notify/1")
                .POST(HttpRequest.BodyPublishers.ofString(d.body()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
            if (error != null) {
                return new Outcome.Retry(error.getClass().getSimpleName() + ": " + error.getMessage());
            }
            int status = response.statusCode();
            return status >= 200 && status < 300 ? Outcome.DELIVERED : new Outcome.Retry("HTTP " + status);
        });
    }

    @Override
    public Duration retryHorizon() {
        return policy.retryHorizon();
    }

    @Override
    public void close() {
        http.close();
    }
}
