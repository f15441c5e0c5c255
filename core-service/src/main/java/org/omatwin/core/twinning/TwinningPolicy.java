package org.omatwin.core.twinning;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * The operator's policy for twinning: the limit of secondaries, code lifetime, attempt limits and the
 * naming rules (HLF-TE-005, HLF-TE-007). Values come from configuration.
 */
public record TwinningPolicy(
        int maxSecondaries,
        Duration codeLifetime,
        int maxFailedAttempts,
        Duration attemptWindow,
        String defaultNamePrefix) {

    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_CORRELATOR_LENGTH = 256;

    public TwinningPolicy {
        if (maxSecondaries < 1) {
            throw new IllegalArgumentException("maxSecondaries must be at least 1");
        }
        if (codeLifetime.isNegative() || codeLifetime.isZero()) {
            throw new IllegalArgumentException("codeLifetime must be positive");
        }
        if (maxFailedAttempts < 1) {
            throw new IllegalArgumentException("maxFailedAttempts must be at least 1");
        }
    }

    public static TwinningPolicy defaults() {
        return new TwinningPolicy(5, Duration.ofMinutes(10), 5, Duration.ofMinutes(15), "Device");
    }

    /** POL2008: a primary may have many secondaries, up to the operator's limit. */
    public void checkRoomForAnotherSecondary(int activeSecondaries) {
        if (activeSecondaries >= maxSecondaries) {
            throw ApiException.of(ApiError.TOO_MANY_SECONDARIES,
                    "the primary device already has " + activeSecondaries + " twinned devices, the limit is "
                            + maxSecondaries,
                    Integer.toString(maxSecondaries));
        }
    }

    /**
     * A client-chosen name: 1-64 characters counted in code points (an emoji is one), well-formed text
     * (no lone surrogate), printable: no control characters and no format characters (Unicode category
     * Cf, e.g. U+202E RIGHT-TO-LEFT OVERRIDE, which would let "gpj.exe" show as "exe.jpg", or U+200B
     * ZERO WIDTH SPACE, which makes look-alike names), no surrounding blanks.
     */
    public static String validName(String name) {
        if (name == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "name is missing", "name");
        }
        if (name.isEmpty() || !name.strip().equals(name) || !isWellFormed(name)
                || name.codePointCount(0, name.length()) > MAX_NAME_LENGTH
                || name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw ApiException.of(ApiError.INVALID_INPUT,
                    "name must be 1-" + MAX_NAME_LENGTH + " printable characters without leading or trailing blanks",
                    "name");
        }
        return name;
    }

    /** No unpaired surrogate (Java strings may hold them; they are not text). */
    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The form in which names are compared for uniqueness: case-insensitive (full case folding through
     * upper then lower case, so "Straße" and "STRASSE" collide) after NFC normalization.
     */
    public static String nameKey(String name) {
        return java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC)
                .toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT);
    }

    /** HLF-TE-007: names are unique among a primary's live secondaries, whatever their case. */
    public static void checkNameFree(String name, Collection<String> taken) {
        String key = nameKey(name);
        if (taken.stream().filter(java.util.Objects::nonNull).map(TwinningPolicy::nameKey).anyMatch(key::equals)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "name '" + name + "' is already used by another twinned device",
                    "name");
        }
    }

    /** Default name "<kind>-<last 4 digits of the secondary's number>", made unique with a suffix. */
    public String defaultName(DeviceAddress secondary, Collection<String> taken) {
        Set<String> used = taken.stream().filter(java.util.Objects::nonNull).map(TwinningPolicy::nameKey)
                .collect(Collectors.toSet());
        String base = defaultNamePrefix + "-" + secondary.tail(4);
        String candidate = base;
        for (int i = 2; used.contains(nameKey(candidate)); i++) {
            candidate = base + "-" + i;
        }
        return candidate;
    }

    public static String validCorrelator(String correlator) {
        if (correlator == null) {
            return null;
        }
        if (correlator.isEmpty() || correlator.length() > MAX_CORRELATOR_LENGTH) {
            throw ApiException.of(ApiError.INVALID_INPUT, "clientCorrelator must be 1-" + MAX_CORRELATOR_LENGTH + " characters",
                    "clientCorrelator");
        }
        return correlator;
    }
}
