package org.omatwin.core.infra.outbox;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * Where a caller wants to be called back (twinning subscriptions, DMWSI operations and
 * subscriptions): an absolute http(s) URL without credentials, and opaque data echoed in every
 * notification. Only the form is checked here; whether the address may be called is the
 * {@link CallbackTargetPolicy}'s decision, made when subscribing and again before each delivery.
 */
public record CallbackReference(URI notifyUrl, String callbackData) {
    public static final int MAX_URL_LENGTH = 2048;
    public static final int MAX_CALLBACK_DATA = 1024;

    /**
     * @param element the request's name of the callbackReference element, used in error variables
     *     ("callbackReference", "operation.callbackReference")
     */
    public static CallbackReference of(String notifyUrl, String callbackData, String element) {
        if (callbackData != null && callbackData.length() > MAX_CALLBACK_DATA) {
            throw ApiException.of(ApiError.INVALID_INPUT, "callbackData must be at most " + MAX_CALLBACK_DATA
                    + " characters", element + ".callbackData");
        }
        return new CallbackReference(notifyUrl(notifyUrl, element + ".notifyURL"), callbackData);
    }

    public static URI notifyUrl(String notifyUrl, String element) {
        if (notifyUrl == null || notifyUrl.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "notifyURL is missing", element);
        }
        try {
            URI uri = new URI(notifyUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (notifyUrl.length() > MAX_URL_LENGTH || !(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null || uri.getUserInfo() != null) {
                throw ApiException.of(ApiError.INVALID_INPUT,
                        "notifyURL must be an absolute http(s) URL without credentials", element);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "notifyURL is not a valid URL", element);
        }
    }
}
