package org.omatwin.core.twinning.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Fuzz.garbage;
import static org.omatwin.core.support.Fuzz.randomBytes;
import static org.omatwin.core.support.Fuzz.randomJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Fuzz;
import org.omatwin.core.support.Rest;
import org.omatwin.core.support.TestCore;

/**
 * 10,000 malformed REST requests (random JSON, huge strings, wrong types, broken encodings, odd paths,
 * methods and content types) against the real edge on loopback: no 5xx, every error a requestError.
 * Seeded, so a failure replays.
 */
class RestFuzzTest {
    private static final int REQUESTS = 10_000;
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    private static final String[] TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
            "application/x-www-form-urlencoded", "application/json; charset=latin1", ""};
    private static final String[] FIELDS = {"twinning", "role", "name", "activationCode", "code", "mcc", "mnc",
            "twinningStatus", "otherDevice", "address", "mno", "clientCorrelator", "resourceURL", "authCode",
            "twinningSubscription", "callbackReference", "notifyURL", "duration", "callbackData", "x"};

    @Test
    void malformedRequestsNeverGet5xxAndAlwaysGetARequestError() throws Exception {
        String base = TestCore.baseUrl();
        String phone = Devices.tel();
        String id = Rest.id(Rest.twin(phone, Devices.tel()));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThat(Fuzz.run(REQUESTS, 42L * 1_000_003,
                seed -> check(client, base, phone, id, new Random(seed), seed))).isEmpty();
        // and the service still answers normally afterwards (some fuzzed requests are valid, e.g. a DELETE)
        assertThat(Rest.get(Rest.url(phone, "/twinnings")).status()).isEqualTo(200);
        assertThat(Rest.twin(Devices.tel(), Devices.tel()).status()).isEqualTo(201);
    }

    private static String check(HttpClient client, String base, String phone, String id, Random r, long seed) {
        String path = path(r, phone, id);
        String method = METHODS[r.nextInt(METHODS.length)];
        byte[] body = body(r);
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        } catch (IllegalArgumentException notAUri) {
            return null; // the client cannot even send it
        }
        String type = TYPES[r.nextInt(TYPES.length)];
        if (!type.isEmpty()) {
            b.header("Content-Type", type);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return Fuzz.check(client, b.build(), seed, answer -> { });
    }

    private static String path(Random r, String phone, String id) {
        String user = switch (r.nextInt(6)) {
            case 0 -> Rest.enc(phone);
            case 1 -> phone;
            case 2 -> "acr:auth";
            case 3 -> Rest.enc(garbage(r, 1 + r.nextInt(40)));
            case 4 -> "tel%3A%2B" + r.nextInt(1000);
            default -> "%FF%FE" + r.nextInt(10);
        };
        String rest = switch (r.nextInt(8)) {
            case 0 -> "/twinnings";
            case 1 -> "/twinnings/" + id;
            case 2 -> "/twinnings/" + id + "/twinningStatus";
            case 3 -> "/twinnings/" + id + "/name";
            case 4 -> "/subscriptions";
            case 5 -> "/subscriptions/" + Rest.enc(garbage(r, 5));
            case 6 -> "/twinnings/" + Rest.enc(garbage(r, 1 + r.nextInt(300)));
            default -> "/" + Rest.enc(garbage(r, 8)) + "/x";
        };
        String query = r.nextInt(4) == 0 ? "?" + FIELDS[r.nextInt(FIELDS.length)] + "=" + Rest.enc(garbage(r, 20))
                : "";
        return user + rest + query;
    }

    private static byte[] body(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> null;
            case 1 -> randomBytes(r, r.nextInt(200));
            case 2 -> "x".repeat(20_000 + r.nextInt(10_000)).getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"twinning\":{\"role\":\"" + "\u00e9".repeat(r.nextInt(5000)) + "\"}}")
                    .getBytes(StandardCharsets.ISO_8859_1); // not UTF-8
            case 4 -> randomJson(r, 0, FIELDS).getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"twinning\":" + randomJson(r, 0, FIELDS) + "}").getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":" + randomJson(r, 2, FIELDS) + "}}}")
                    .getBytes(StandardCharsets.UTF_8);
            case 7 -> ("{\"twinningStatus\":" + randomJson(r, 2, FIELDS) + ",\"name\":" + randomJson(r, 2, FIELDS) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            default -> ("[" + "{".repeat(r.nextInt(2000)) + "]").getBytes(StandardCharsets.UTF_8);
        };
    }
}
