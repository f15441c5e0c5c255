package org.omatwin.core.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * What the REST fuzz tests share: malformed input from a seeded {@link Random} (random JSON with the
 * contract's element names, garbage text, raw bytes, bodies of the usual broken kinds) and the
 * contract's check of an answer (no 5xx, every error a requestError).
 */
public final class Fuzz {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    private Fuzz() {}

    /**
     * Runs {@code one} for {@code requests} seeds from {@code firstSeed} on eight threads; the first ten
     * failures it reported (empty: none).
     */
    public static List<String> run(int requests, long firstSeed, LongFunction<String> one)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                long seed = firstSeed + i;
                results.add(pool.submit(() -> one.apply(seed)));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : results) {
                String failure = f.get();
                if (failure != null && failures.size() < 10) {
                    failures.add(failure);
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends the request; null when the answer keeps the contract, else what went wrong (with the seed, so
     * it replays). {@code answered} sees every answer that kept it.
     */
    public static String check(HttpClient client, HttpRequest request, long seed,
            Consumer<HttpResponse<String>> answered) {
        String what = "seed " + seed + ": " + request.method() + " " + request.uri().getRawPath()
                + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery());
        try {
            HttpResponse<String> resp;
            try {
                resp = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                if (e.getMessage() == null || !e.getMessage().contains("RST_STREAM")) {
                    throw e;
                }
                // Over h2c the edge may answer before it has read a large body and then reset the stream
                // (CANCEL), which the JDK client reports instead of the answer: the answer is checked over
                // HTTP/1.1, where it arrives whole.
                resp = HTTP_1_1.send(request, HttpResponse.BodyHandlers.ofString());
            }
            int status = resp.statusCode();
            if (status >= 500) {
                return what + " -> " + status + " " + resp.body();
            }
            if (status >= 400) {
                JsonNode json = JSON.readTree(resp.body());
                if (json == null || !json.has("requestError")) {
                    return what + " -> " + status + " not a requestError: " + resp.body();
                }
            }
            answered.accept(resp);
            return null;
        } catch (Exception e) {
            return what + " -> " + e;
        }
    }

    /** One of the broken bodies every resource must refuse cleanly; null for none. */
    public static byte[] brokenBody(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> null;
            case 1 -> randomBytes(r, r.nextInt(200));
            case 2 -> "x".repeat(20_000 + r.nextInt(10_000)).getBytes(StandardCharsets.UTF_8);
            default -> ("[" + "{".repeat(r.nextInt(2000)) + "]").getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Random JSON whose objects use {@code fields} as names. */
    public static String randomJson(Random r, int depth, String[] fields) {
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(8);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> Boolean.toString(r.nextBoolean());
            case 2 -> Long.toString(r.nextLong());
            case 3 -> Double.toString(r.nextDouble() * 1e308);
            case 4 -> quote(garbage(r, r.nextInt(r.nextInt(10) == 0 ? 5000 : 30)));
            case 5 -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(randomJson(r, depth + 1, fields));
                }
                yield sb.append("]").toString();
            }
            default -> {
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(quote(fields[r.nextInt(fields.length)])).append(':')
                            .append(randomJson(r, depth + 1, fields));
                }
                yield sb.append("}").toString();
            }
        };
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** Mostly printable ASCII, one character in ten anywhere below U+3000. */
    public static String garbage(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (r.nextInt(10) == 0 ? r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f)));
        }
        return sb.toString();
    }

    public static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
