package org.omatwin.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Device tokens from the authorization server's development client {@code device-simulator}. */
final class DeviceSimulator {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DeviceSimulator() {}

    /** An access token for {@code device} with {@code scope}, from the server at {@code issuer}. */
    static String token(String issuer, String device, String scope) throws Exception {
        return token(issuer, device, scope, null);
    }

    /** As above, with the line the network authenticated ({@code msisdn}), which binds the device to it. */
    static String token(String issuer, String device, String scope, String msisdn) throws Exception {
        String form = "grant_type=client_credentials&scope=" + scope + "&device="
                + URLEncoder.encode(device, StandardCharsets.UTF_8)
                + (msisdn == null ? "" : "&msisdn=" + URLEncoder.encode(msisdn, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "device-simulator:device-simulator-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }
}
