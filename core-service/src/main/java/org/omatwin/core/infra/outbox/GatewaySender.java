package org.omatwin.core.infra.outbox;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * POSTs wake-up requests (JSON) to the operator's device-notification gateway (dm-api.md section 7).
 * A 2xx is the acknowledgement; anything else, or no answer, is retried with the outbox's backoff for
 * an hour: a device not woken by then has had its work time out or has come by itself.
 */
public final class GatewaySender implements Sender, AutoCloseable {
    private static final Duration HORIZON = Duration.ofHours(1);

    private final HttpClient http;
    private final Duration timeout;

    public GatewaySender(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String targetKind() {
        return Target.DeviceGateway.KIND;
    }

    @Override
    public CompletableFuture<Outcome> send(Delivery d) {
        HttpRequest request = HttpRequest.newBuilder(((Target.DeviceGateway) d.target()).url())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Notification-Id", d.id())
                .POST(HttpRequest.BodyPublishers.ofString(d.body()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, error) -> {
            if (error != null) {
                return new Outcome.Retry(error.getClass().getSimpleName());
            }
            int status = r.statusCode();
            return status >= 200 && status < 300 ? Outcome.DELIVERED : new Outcome.Retry("HTTP " + status);
        });
    }

    @Override
    public Duration retryHorizon() {
        return HORIZON;
    }

    @Override
    public void close() {
        http.close();
    }
}
