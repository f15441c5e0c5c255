package org.omatwin.core.twinning;

import java.util.regex.Pattern;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * A device address: a global tel: URI ("+" and 6-15 digits), a sip: URI or an acr: URI. Values reach
 * the domain already percent-decoded once by the edge (Envoy or the embedded transcoder), so this
 * class never decodes: a still-encoded value such as "tel%3A%2B44..." is refused rather than decoded a
 * second time.
 */
public record DeviceAddress(String value) {
    /** The keyword that stands for "the device bound to the access token". */
    public static final String ACR_AUTH = "acr:auth";

    private static final Pattern TEL = Pattern.compile("tel:\\+[0-9]{6,15}");
    private static final Pattern SIP = Pattern.compile("sips?:[A-Za-z0-9._~!$&'()*+,;=:-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?");
    private static final Pattern ACR = Pattern.compile("acr:[A-Za-z0-9._~@-]{1,256}");
    private static final int MAX_LENGTH = 300;

    public DeviceAddress {
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid device address");
        }
    }

    public static boolean isValid(String value) {
        return value != null
                && value.length() <= MAX_LENGTH
                && !ACR_AUTH.equals(value)
                && (TEL.matcher(value).matches() || SIP.matcher(value).matches() || ACR.matcher(value).matches());
    }

    /** Parses a client-supplied address; {@code element} names the message part for the error. */
    public static DeviceAddress parse(String value, String element) {
        if (value == null || value.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "missing address in " + element, element);
        }
        if (!isValid(value)) {
            throw ApiException.of(ApiError.INVALID_INPUT,
                    "invalid address in " + element + ": expected tel:+<6-15 digits>, sip:user@host or acr:...",
                    element);
        }
        return new DeviceAddress(value);
    }

    public boolean isTel() {
        return value.startsWith("tel:");
    }

    /** The last {@code n} digits (tel:) or characters of the user part (sip:/acr:), for default names. */
    public String tail(int n) {
        String s;
        if (isTel()) {
            s = value.substring(5);
        } else {
            int colon = value.indexOf(':');
            int at = value.indexOf('@');
            s = value.substring(colon + 1, at > colon ? at : value.length()).replaceAll("[^A-Za-z0-9]", "");
        }
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    @Override
    public String toString() {
        return value;
    }
}
