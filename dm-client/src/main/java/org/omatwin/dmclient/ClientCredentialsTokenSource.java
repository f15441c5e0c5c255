package org.omatwin.dmclient;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Device tokens from the authorization server's development client (it stands in for the operator's SIM-based
 * device authentication): OAuth 2.0 client credentials at {@code {issuer}/oauth2/token} with HTTP basic
 * authentication and the form parameters {@code grant_type=client_credentials}, {@code device}, {@code scope}
 * and, optionally, {@code msisdn}. The token is cached and fetched again shortly before it expires; concurrent
 * callers share one request.
 */
public final class ClientCredentialsTokenSource implements TokenSource {

    public static final String DEFAULT_CLIENT_ID = "device-simulator";
    public static final String DEFAULT_CLIENT_SECRET = "device-simulator-secret";
    public static final String SCOPE = "oma_dm.device";

    private record Cached(String token, Instant refreshAt) {
    }

    private final HttpClient http;
    private final URI tokenEndpoint;
    private final String basicAuth;
    private final String form;
    private final Clock clock;
    private final Duration timeout;
    private Cached cached;
    private CompletableFuture<String> inFlight;

    public ClientCredentialsTokenSource(HttpClient http, URI issuer, String clientId, String clientSecret,
                                        String devId, String msisdn) {
        this(http, issuer, clientId, clientSecret, devId, msisdn, Clock.systemUTC());
    }

    ClientCredentialsTokenSource(HttpClient http, URI issuer, String clientId, String clientSecret, String devId,
                                 String msisdn, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        String base = issuer.toString().replaceAll("/+$", "");
        this.tokenEndpoint = URI.create(base + "/oauth2/token");
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "client_credentials");
        params.put("device", Objects.requireNonNull(devId, "devId"));
        params.put("scope", SCOPE);
        if (msisdn != null) {
            params.put("msisdn", msisdn);
        }
        this.form = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        this.clock = clock;
        this.timeout = Duration.ofSeconds(20);
    }

    @Override
    public synchronized CompletableFuture<String> token() {
        if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
            return CompletableFuture.completedFuture(cached.token());
        }
        if (inFlight == null) {
            CompletableFuture<String> request = fetch();
            inFlight = request;
            request.whenComplete((t, e) -> {
                synchronized (this) {
                    inFlight = null;
                }
            });
            return request;
        }
        return inFlight;
    }

    @Override
    public synchronized void invalidate() {
        cached = null;
    }

    private CompletableFuture<String> fetch() {
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(timeout)
                .header("Authorization", basicAuth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        Instant asked = clock.instant();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .exceptionally(e -> {
                    throw new DmException("token request to " + tokenEndpoint + " failed: " + DmException.describe(e), e);
                })
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        // the error body of RFC 6749 5.2 names the reason and carries no secret
                        throw new DmException(response.statusCode(), null, "token request to " + tokenEndpoint
                                + " answered HTTP " + response.statusCode() + ": " + errorOf(response.body()));
                    }
                    JsonNode body;
                    try {
                        body = Wire.JSON.readTree(response.body());
                    } catch (java.io.IOException e) {
                        throw new DmException("token response is not JSON", e);
                    }
                    String token = body.path("access_token").asText(null);
                    if (token == null || token.isEmpty()) {
                        throw new DmException("token response has no access_token");
                    }
                    long lifetime = body.path("expires_in").asLong(300);
                    // refresh when 90% of the lifetime has passed, at least 5 s and at most 60 s early
                    long early = Math.max(5, Math.min(60, lifetime / 10));
                    Instant refreshAt = asked.plusSeconds(Math.max(0, lifetime - early));
                    synchronized (this) {
                        cached = new Cached(token, refreshAt);
                    }
                    return token;
                });
    }

    private static String errorOf(byte[] body) {
        try {
            JsonNode json = Wire.JSON.readTree(body);
            String error = json.path("error").asText("");
            String description = json.path("error_description").asText("");
            return (error + " " + description).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "(no OAuth error body)";
        }
    }

    @Override
    public String toString() {
        return "client credentials token from " + tokenEndpoint;
    }
}
