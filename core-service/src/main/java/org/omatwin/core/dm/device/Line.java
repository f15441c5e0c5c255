package org.omatwin.core.dm.device;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A line (dm-api.md section 1): a global {@code tel:} URI in E.164 form, {@code tel:+} and 6-15 digits,
 * the first (the country code's) not 0: the rule of twinning addresses and of the authorization server's
 * msisdn claim, with E.164's country-code rule. What people write is normalised per RFC 3966: the
 * scheme in any case, visual separators ({@code - . ( )} and spaces) dropped, so
 * {@code TEL:+44 7700-900 999} is {@code tel:+447700900999}. Local numbers (no {@code +}) and
 * parameters ({@code ;phone-context=}) are not lines: a line names one subscription worldwide.
 */
public record Line(String value) {
    private static final Pattern E164 = Pattern.compile("tel:\\+[1-9][0-9]{5,14}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\-.() ]");

    public Line {
        if (value == null || !E164.matcher(value).matches()) {
            throw new IllegalArgumentException("not an E.164 tel: line");
        }
    }

    /** The line {@code text} names, normalised; empty when it is not a global tel: number. */
    public static Optional<Line> parse(String text) {
        if (text == null || text.length() > 64 || !text.regionMatches(true, 0, "tel:", 0, 4)) {
            return Optional.empty();
        }
        String line = separatorsDropped(text);
        return E164.matcher(line).matches() ? Optional.of(new Line(line)) : Optional.empty();
    }

    /** {@code tel:} in lower case and the visual separators dropped (for patterns that are not yet a line). */
    public static String separatorsDropped(String text) {
        String t = text.regionMatches(true, 0, "tel:", 0, 4) ? "tel:" + text.substring(4) : text;
        return SEPARATORS.matcher(t).replaceAll("");
    }

    @Override
    public String toString() {
        return value;
    }
}
