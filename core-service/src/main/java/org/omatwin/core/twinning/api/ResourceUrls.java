package org.omatwin.core.twinning.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.omatwin.core.twinning.DeviceAddress;

/** Absolute self URLs (resourceURL, Location) under the public base URL of the REST API. */
public final class ResourceUrls {
    private final Supplier<String> publicBaseUrl;

    /** @param publicBaseUrl known once the HTTP port is bound, hence a supplier */
    public ResourceUrls(Supplier<String> publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl;
    }

    private String base() {
        return publicBaseUrl.get() + "/twinning/v1/";
    }

    public String twinnings(DeviceAddress user) {
        return base() + encode(user) + "/twinnings";
    }

    public String twinning(DeviceAddress user, String id) {
        return twinnings(user) + "/" + id;
    }

    public String subscriptions(DeviceAddress user) {
        return base() + encode(user) + "/subscriptions";
    }

    public String subscription(DeviceAddress user, String id) {
        return subscriptions(user) + "/" + id;
    }

    /** Percent-encodes the address as one path segment (tel:+44... becomes tel%3A%2B44...). */
    private static String encode(DeviceAddress user) {
        return URLEncoder.encode(user.value(), StandardCharsets.UTF_8);
    }
}
