package org.omatwin.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the core, the source of truth about relationships, which twinning a device is the secondary of:
 * the device's own token is presented to the core's REST API (GET acr:auth/twinnings), so the answer
 * is exactly what that device may see.
 */
final class SecondaryTwinnings {
    /** The secondary's address and its live relationship's id. */
    record Found(String secondary, String twinningId) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String coreApi;

    SecondaryTwinnings(String coreApi) {
        this.coreApi = coreApi.endsWith("/") ? coreApi : coreApi + "/";
    }

    Optional<Found> of(String deviceToken) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coreApi + "acr:auth/twinnings"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + deviceToken)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            for (JsonNode t : JSON.readTree(r.body()).path("twinningList").path("twinning")) {
                String status = t.path("twinningStatus").asString();
                if ("Secondary".equals(t.path("role").asString()) && ("On".equals(status) || "Off".equals(status))) {
                    String url = t.path("resourceURL").asString();
                    return Optional.of(new Found(t.path("ownAddress").asString(),
                            url.substring(url.lastIndexOf('/') + 1)));
                }
            }
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
