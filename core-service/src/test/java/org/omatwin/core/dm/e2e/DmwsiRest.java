package org.omatwin.core.dm.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.omatwin.core.CoreServer;
import org.omatwin.testsupport.LocalIssuer;

/** An external system calling DMWSI over REST on a test core, with a bearer token of the test issuer per call. */
final class DmwsiRest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final LocalIssuer issuer;
    /** The core's REST base, e.g. http://127.0.0.1:41234 */
    final String base;

    DmwsiRest(CoreServer core, LocalIssuer issuer) {
        this.issuer = issuer;
        this.base = core.restUrl().replace("/twinning/v1", "");
    }

    /** {@code method path} as OAuth client {@code client} with {@code scope}; a body is sent as JSON. */
    HttpResponse<String> call(String client, String scope, String method, String path, String body) throws Exception {
        return call(client, scope, method, path, body, java.util.Map.of());
    }

    /** As above, with other request headers (e.g. Accept). */
    HttpResponse<String> call(String client, String scope, String method, String path, String body,
            java.util.Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + issuer.token(client, scope));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The operation once final (or as it is after 20 s), read every 100 ms. */
    com.fasterxml.jackson.databind.JsonNode awaitFinal(String client, String scope, String operationId)
            throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        com.fasterxml.jackson.databind.JsonNode op;
        do {
            op = new com.fasterxml.jackson.databind.ObjectMapper().readTree(call(client, scope, "GET",
                    "/dmwsi/v1/operations/" + operationId, null).body()).path("operation");
            if (java.util.Set.of("Succeeded", "Failed", "Cancelled", "TimedOut", "Rejected")
                    .contains(op.path("state").asText())) {
                return op;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return op;
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
