package org.omatwin.core.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real HTTP/1.1 client for the REST shape, with the contract's helpers. */
public final class Rest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** A response with its body parsed (null when empty or not JSON). */
    public record Response(int status, java.net.http.HttpHeaders headers, String text, JsonNode json) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** messageId of a requestError body. */
        public String messageId() {
            JsonNode err = json == null ? null : json.path("requestError");
            if (err == null || err.isMissingNode()) {
                return null;
            }
            JsonNode ex = err.has("policyException") ? err.get("policyException") : err.get("serviceException");
            return ex == null ? null : ex.path("messageId").asText();
        }

        public JsonNode twinning() {
            return json.path("twinning");
        }
    }

    private Rest() {}

    public static String enc(String address) {
        return URLEncoder.encode(address, StandardCharsets.UTF_8);
    }

    /** URL of a path under /twinning/v1/{user}/ with the user percent-encoded. */
    public static String url(String user, String rest) {
        return TestCore.baseUrl() + enc(user) + rest;
    }

    public static Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public static Response delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }

    public static Response post(String url, String body) {
        return send(json(url).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public static Response put(String url, String body) {
        return send(json(url).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public static Response method(String method, String url, String body) {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return send(json(url).method(method, p));
    }

    public static Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            if (!r.body().isEmpty()) {
                try {
                    node = JSON.readTree(r.body());
                } catch (IOException notJson) {
                    node = null;
                }
            }
            return new Response(r.statusCode(), r.headers(), r.body(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON call with an optional bearer token. */
    public static Response withToken(String method, String url, String body, String token) {
        HttpRequest.Builder b = json(url).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** An OAuth-style form POST authenticated with HTTP Basic (token endpoints). */
    public static Response form(String url, String user, String secret, String form) {
        String basic = java.util.Base64.getEncoder().encodeToString((user + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static HttpRequest.Builder json(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    }

    // ---- the flows every test needs ----

    /** The secondary asks for a code; returns the 201 response. */
    public static Response requestCode(String secondary) {
        return post(url(secondary, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\"}}");
    }

    public static Response activate(String primary, String code, String nameOrNull) {
        String name = nameOrNull == null ? "" : ",\"name\":\"" + nameOrNull + "\"";
        return post(url(primary, "/twinnings"),
                "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"" + code + "\"}" + name + "}}");
    }

    /** Twins a fresh secondary with {@code primary}; returns the primary's 201 response. */
    public static Response twin(String primary, String secondary) {
        Response code = requestCode(secondary);
        if (code.status() != 201) {
            throw new AssertionError("code request failed: " + code.text());
        }
        return activate(primary, code.twinning().path("activationCode").path("code").asText(), null);
    }

    /** The id at the end of a resourceURL. */
    public static String id(Response r) {
        String url = r.twinning().path("resourceURL").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
