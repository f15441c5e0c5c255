package org.omatwin.core.dm.device;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A firmware, software or hardware version as the device filter compares it (dm-api.md section 4):
 * dot-separated numeric parts compared part by part as numbers, so 4.10.0 is above 4.9.1. When one
 * version is the other with parts added, the shorter comes first (4.10 before 4.10.0), as PostgreSQL
 * orders numeric arrays; the store compares the same way in SQL. A version with any part that is not
 * digits ("4.2-beta") has no order: it matches no ordering comparison.
 */
public record Version(List<BigInteger> parts) implements Comparable<Version> {
    /** The shape the store checks before it casts a reported version to a numeric array. */
    public static final String NUMERIC = "^[0-9]+(\\.[0-9]+)*$";
    private static final Pattern SHAPE = Pattern.compile(NUMERIC);

    public Version {
        parts = List.copyOf(parts);
    }

    /** The version {@code text} names when it is dot-separated numbers; empty otherwise. */
    public static Optional<Version> parse(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        List<BigInteger> parts = new ArrayList<>();
        for (String part : text.split("\\.")) {
            parts.add(new BigInteger(part));
        }
        return Optional.of(new Version(parts));
    }

    @Override
    public int compareTo(Version other) {
        for (int i = 0; i < Math.min(parts.size(), other.parts.size()); i++) {
            int c = parts.get(i).compareTo(other.parts.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(parts.size(), other.parts.size());
    }
}
