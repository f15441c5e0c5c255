package org.omatwin.portal.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.omatwin.portal.core.CoreClient;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.testsupport.Addresses;
import org.omatwin.testsupport.JavaService;
import org.omatwin.testsupport.LocalIssuer;
import org.omatwin.testsupport.Services;

/**
 * One real core per test JVM: the packaged core jar as a process (embedded PostgreSQL, real gRPC and
 * REST on ephemeral loopback ports), trusting a token issuer that lives in this JVM. Subscribers
 * "alice" (two lines), "bob" and "carol" (one line each) have fresh line numbers, so test runs never meet.
 */
public final class TestCore {
    public static final String ISSUER = "https://issuer.portal-test.example";
    public static final String ALICE_PHONE = tel();
    public static final String ALICE_TABLET = tel();
    public static final String BOB_PHONE = tel();
    /** Carol's line is the one that gets blocked for wrong codes. */
    public static final String CAROL_PHONE = tel();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestCore instance;

    private final LocalIssuer issuer;
    private final JavaService core;
    public final String restUrl;
    public final String grpcTarget;
    public final CoreClient client;

    private TestCore() throws Exception {
        issuer = new LocalIssuer(ISSUER, "portal-test", Duration.ofMinutes(10));
        core = Services.core().heap("384m").readyWithin(Duration.ofSeconds(120)).env(Map.of(
                "TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0",
                "TWIN_DATA_DIR", Files.createTempDirectory("portal-core").toString(),
                "TWIN_AUTH_ISSUER", ISSUER,
                "TWIN_AUTH_JWKS_URL", issuer.jwksUrl(),
                "TWIN_MCC", "234", "TWIN_MNC", "15",
                "TWIN_DEMO_SUBSCRIBERS", "alice=" + ALICE_PHONE + "," + ALICE_TABLET + ";bob=" + BOB_PHONE + ";carol=" + CAROL_PHONE))
                .start();
        Matcher m = Pattern.compile("rest=(\\S+) grpc=(\\S+)").matcher(core.readyLine());
        if (!m.find()) {
            throw new IllegalStateException("unexpected ready line: " + core.readyLine());
        }
        restUrl = m.group(1);
        grpcTarget = m.group(2);
        client = new CoreClient(grpcTarget);
    }

    public static synchronized TestCore get() {
        if (instance == null) {
            try {
                instance = new TestCore();
            } catch (Exception e) {
                throw new IllegalStateException("the core did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    instance.client.close();
                    instance.core.close();
                } catch (Exception ignored) {
                    // the JVM is ending
                }
                instance.issuer.close();
            }));
        }
        return instance;
    }

    /** Tests leave the demo lines empty (the device limit is per line). */
    public void removeAllDevices() {
        for (String subscriber : java.util.List.of("alice", "bob")) {
            Twinnings t = subscriber(subscriber);
            t.lines().forEach(l -> l.devices().forEach(d -> t.remove(d.twinningId())));
        }
    }

    public static String tel() {
        return Addresses.tel();
    }

    /** What the portal gets after sign-in: a subscriber token with the portal scope. */
    public Twinnings subscriber(String id) {
        String token = token(id, "openid twinning.portal");
        return client.forSubscriber(() -> token);
    }

    public String token(String subject, String scope) {
        return issuer.token(subject, scope);
    }

    /** A device's REST call with its own token (all OMA scopes); returns status and body. */
    public Http device(String device, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(restUrl + "/"
                + URLEncoder.encode(device, StandardCharsets.UTF_8) + path))
                .header("Authorization", "Bearer " + token(device, "oma_rest_twinning.all_v1"))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Http(r.statusCode(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public record Http(int status, String body) {}

    /** A watch asks for an activation code over REST, as the device would; returns the six digits. */
    public String codeFor(String watch) {
        Http r = device(watch, "POST", "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]{6})\"").matcher(r.body());
        if (r.status() != 201 || !m.find()) {
            throw new IllegalStateException("no code: " + r);
        }
        return m.group(1);
    }

    /** The watch toggles its twinning over REST. */
    public Http deviceToggles(String watch, String twinningId, String status) {
        return device(watch, "PUT", "/twinnings/" + twinningId + "/twinningStatus",
                "{\"twinningStatus\":\"" + status + "\"}");
    }
}
