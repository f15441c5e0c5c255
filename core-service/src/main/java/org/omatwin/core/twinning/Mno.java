package org.omatwin.core.twinning;

import java.util.regex.Pattern;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** A mobile network operator: Mobile Country Code (3 digits) and Mobile Network Code (2-3 digits). */
public record Mno(String mcc, String mnc) {
    private static final Pattern MCC = Pattern.compile("[0-9]{3}");
    private static final Pattern MNC = Pattern.compile("[0-9]{2,3}");

    public Mno {
        if (mcc == null || !MCC.matcher(mcc).matches()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "mcc must be three digits", "mcc");
        }
        if (mnc == null || !MNC.matcher(mnc).matches()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "mnc must be two or three digits", "mnc");
        }
    }

    /** The inverse of {@link #id()}. */
    public static Mno parse(String id) {
        int dash = id == null ? -1 : id.indexOf('-');
        if (dash < 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, "an MNO is written MCC-MNC, for example 310-410", "mno");
        }
        return new Mno(id.substring(0, dash), id.substring(dash + 1));
    }

    /** "MCC-MNC", as used in configuration and storage. */
    public String id() {
        return mcc + "-" + mnc;
    }

    @Override
    public String toString() {
        return mcc + "/" + mnc;
    }
}
