package org.omatwin.core.dm.pkg;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * What the originator signs (section 8, ES6): the package's name, version, kind, targets, size and
 * SHA-256. The signature's payload is the RFC 8785 canonical JSON of these, so none of them can be
 * relabelled after signing.
 */
public record PackageMetadata(String name, String version, PackageKind kind, PackageTargets targets, long size,
        String sha256) {
    /** JSON numbers above 2^53 are not exact in every reader (RFC 8785 serializes numbers as IEEE doubles). */
    static final long MAX_EXACT = 1L << 53;

    public PackageMetadata {
        Objects.requireNonNull(kind, "kind");
        targets = targets == null ? new PackageTargets(null, null, List.of()) : targets;
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
    }

    /** Refuses what cannot be a package: 400 SVC2006 for a missing element, SVC0002 for a wrong one. */
    public PackageMetadata checked(long maxSize) {
        text(name, "name");
        text(version, "version");
        if (sha256 == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "sha256 is missing", "sha256");
        }
        if (sha256.length() != 64 || !sha256.chars().allMatch(c -> HexFormat.isHexDigit(c))) {
            throw ApiException.of(ApiError.INVALID_INPUT, "sha256 is 64 hexadecimal digits", "sha256");
        }
        if (size < 0 || size > Math.min(maxSize, MAX_EXACT)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "size must be from 0 to " + Math.min(maxSize, MAX_EXACT)
                    + " bytes", "size");
        }
        targets.fromVersions().forEach(v -> text(v, "targets.fromVersions"));
        return this;
    }

    /**
     * The signed payload: RFC 8785 (JCS) canonical JSON of {sha256, size, kind, name, version, targets}.
     * No JCS library resolves from this build's mirror; this payload has a fixed shape (strings, one
     * integer, one nested object, one array of strings), so the two rules that matter here are applied
     * directly: members sorted by their names' UTF-16 code units, strings escaped the JCS way, and the
     * integer in plain decimal. Absent targets elements are left out.
     */
    public String canonicalJson() {
        StringBuilder t = new StringBuilder("{");
        boolean first = true;
        // member names in UTF-16 order: fromVersions < man < mod
        if (!targets.fromVersions().isEmpty()) {
            t.append("\"fromVersions\":[");
            for (int i = 0; i < targets.fromVersions().size(); i++) {
                t.append(i == 0 ? "" : ",").append(string(targets.fromVersions().get(i)));
            }
            t.append(']');
            first = false;
        }
        if (targets.man() != null) {
            t.append(first ? "" : ",").append("\"man\":").append(string(targets.man()));
            first = false;
        }
        if (targets.mod() != null) {
            t.append(first ? "" : ",").append("\"mod\":").append(string(targets.mod()));
        }
        t.append('}');
        // kind < name < sha256 < size < targets < version
        return "{\"kind\":" + string(kind.wire()) + ",\"name\":" + string(name) + ",\"sha256\":" + string(sha256)
                + ",\"size\":" + size + ",\"targets\":" + t + ",\"version\":" + string(version) + "}";
    }

    /** A JSON string as RFC 8785 section 3.2.2.2 writes it. */
    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void text(String value, String variable) {
        if (value == null || value.isBlank()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, variable + " is missing", variable);
        }
        if (value.length() > 200 || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.of(ApiError.INVALID_INPUT, variable + " is at most 200 printable characters", variable);
        }
    }
}
