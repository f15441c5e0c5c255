package org.omatwin.core.dm.operation;

/** One value of a {@code configure} operation; may be a secret, so it never appears in logs. */
public record ConfigValue(String uri, String value, String format) {
    @Override
    public String toString() {
        return "ConfigValue[" + uri + ", " + format + "]";
    }
}
