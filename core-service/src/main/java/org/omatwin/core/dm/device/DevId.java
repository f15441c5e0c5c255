package org.omatwin.core.dm.device;

import java.util.Locale;
import java.util.regex.Pattern;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * A device's DevInfo/DevId (dm-api.md section 1): {@code urn:imei:} and 15 digits, {@code urn:uuid:}
 * and a UUID, or an RFC 9039 {@code urn:dev:} URN. Kept in canonical form (the scheme and namespace
 * lower case, a UUID lower case) so that one device has one key in storage.
 */
public record DevId(String value) {
    private static final Pattern IMEI = Pattern.compile("urn:imei:[0-9]{15}");
    private static final Pattern UUID = Pattern.compile(
            "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    // RFC 9039 section 3: mac/ow hex strings, org/os/ops with a private enterprise number, or another
    // lower-case subtype; optional "_" components.
    private static final String ID = "[A-Za-z0-9.\\-]+";
    private static final String PEN = "[1-9][0-9]*";
    private static final Pattern DEV = Pattern.compile("urn:dev:(?:"
            + "mac:(?:[0-9a-f]{2})+"
            + "|ow:(?:[0-9a-f]{2})+"
            + "|org:" + PEN + "-" + ID
            + "|os:" + PEN + "-" + ID
            + "|ops:" + PEN + "-[A-Za-z0-9.]+-" + ID
            + "|(?!mac:|ow:|org:|os:|ops:)[a-z][a-z0-9]*:" + ID
            + ")(?:_" + ID + ")*");

    public DevId {
        if (value == null || !(IMEI.matcher(value).matches() || UUID.matcher(value).matches()
                || DEV.matcher(value).matches())) {
            throw ApiException.of(ApiError.INVALID_INPUT,
                    "devId must be urn:imei: with 15 digits, urn:uuid: with a UUID, or an RFC 9039 urn:dev: URN",
                    "devId");
        }
    }

    /** Parses what a token or a body carries, accepting any case in "urn:" and the namespace. */
    public static DevId of(String text) {
        if (text == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "devId is missing", "devId");
        }
        String t = text.trim();
        int second = t.indexOf(':', t.indexOf(':') + 1);
        if (second > 0) {
            String prefix = t.substring(0, second + 1).toLowerCase(Locale.ROOT);
            String rest = t.substring(second + 1);
            t = prefix + (prefix.equals("urn:uuid:") ? rest.toLowerCase(Locale.ROOT) : rest);
        }
        return new DevId(t);
    }

    @Override
    public String toString() {
        return value;
    }
}
