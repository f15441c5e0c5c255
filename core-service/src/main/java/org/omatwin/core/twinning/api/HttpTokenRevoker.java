package org.omatwin.core.twinning.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.infra.outbox.Delivery;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Sender;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.twinning.TwinningEvent;
import org.omatwin.core.twinning.notify.OutboxEvent;
import org.omatwin.core.twinning.notify.TokenRevocations;

/**
 * HLF-TE-004 at the authorization server: on a Deactivated event, a message to its
 * {@code /internal/revoked-twinnings} (authenticated as the core with its client secret, like
 * {@code /internal/auth-codes}); from then on every token carrying that {@code twinning_id} (the
 * secondary's twinning tokens, the token obtained with its authCode) introspects as inactive there.
 * The core itself refuses such tokens at once (a twinning token of a dead relationship).
 */
public final class HttpTokenRevoker implements TokenRevocations, Sender, AutoCloseable {
    /** Tokens live an hour; a week of retries covers any outage of the authorization server. */
    private static final Duration HORIZON = Duration.ofDays(7);

    private final URI endpoint;
    private final String basic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public HttpTokenRevoker(URI endpoint, String clientId, String clientSecret) {
        this.endpoint = endpoint;
        this.basic = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<OutboxMessage> messagesFor(OutboxEvent e) {
        if (e.event().type() != TwinningEvent.Type.DEACTIVATED) {
            return List.of();
        }
        String id = e.twinning().id();
        return List.of(new OutboxMessage(Ids.newId(), "revoke:" + id, new Target.AuthorizationServer(endpoint),
                "tokens.revoke", "twinning_id=" + URLEncoder.encode(id, StandardCharsets.UTF_8),
                e.twinning().secondary().value(), e.eventId(), e.event().occurredAt()));
    }

    @Override
    public String targetKind() {
        return Target.AuthorizationServer.KIND;
    }

    @Override
    public CompletableFuture<Outcome> send(Delivery d) {
        URI url = ((Target.AuthorizationServer) d.target()).url();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(d.body()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, error) -> {
            if (error != null) {
                return new Outcome.Retry(error.getClass().getSimpleName() + ": " + error.getMessage());
            }
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                return Outcome.DELIVERED;
            }
            // 400: the server will never accept this body; anything else (401 included: a secret
            // being rotated) may pass later
            return status == 400 ? new Outcome.Rejected("HTTP 400") : new Outcome.Retry("HTTP " + status);
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
