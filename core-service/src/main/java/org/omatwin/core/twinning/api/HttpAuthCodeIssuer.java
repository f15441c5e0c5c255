package org.omatwin.core.twinning.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.omatwin.core.twinning.AuthCodeIssuer;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Twinning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the embedded authorization server (/internal/auth-codes) for the secondary's authCode, and
 * (/internal/auth-codes/state) whether it has been exchanged.
 */
public final class HttpAuthCodeIssuer implements AuthCodeIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAuthCodeIssuer.class);
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_-]{16,200})\"");
    private static final Pattern NOT_REDEEMABLE = Pattern.compile("\"redeemable\"\\s*:\\s*false");
    private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*([0-9]{1,9})");

    private final URI endpoint;
    private final String basic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public HttpAuthCodeIssuer(URI endpoint, String clientId, String clientSecret) {
        this.endpoint = endpoint;
        this.basic = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Twinning.AuthCode issue(DeviceAddress primary, DeviceAddress secondary, String twinningId) {
        String form = "primary=" + enc(primary.value()) + "&secondary=" + enc(secondary.value()) + "&twinning_id="
                + enc(twinningId);
        Instant asked = Instant.now();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(5))
                    .header("Authorization", basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = CODE.matcher(r.body());
            if (r.statusCode() == 201 && m.find()) {
                Matcher expires = EXPIRES_IN.matcher(r.body());
                return new Twinning.AuthCode(m.group(1), asked.plus(expires.find()
                        ? Duration.ofSeconds(Long.parseLong(expires.group(1))) : Twinning.AuthCode.UNTOLD_LIFETIME));
            }
            LOG.warn("the authorization server refused an authCode for twinning {}: HTTP {}", twinningId,
                    r.statusCode());
        } catch (java.io.IOException e) {
            LOG.warn("the authorization server is unreachable; twinning {} has no authCode: {}", twinningId,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    @Override
    public boolean isRedeemable(String code) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/state"))
                    .timeout(Duration.ofSeconds(2))
                    .header("Authorization", basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("code=" + enc(code))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return !(r.statusCode() == 200 && NOT_REDEEMABLE.matcher(r.body()).find());
        } catch (java.io.IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
