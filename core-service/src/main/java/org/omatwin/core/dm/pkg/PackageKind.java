package org.omatwin.core.dm.pkg;

import java.util.Arrays;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** What a signed package carries (dm-api.md section 8). */
public enum PackageKind {
    FIRMWARE("firmware"), SOFTWARE("software"), CONFIGURATION("configuration");

    private final String wire;

    PackageKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static PackageKind fromWire(String text) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(text)).findFirst().orElseThrow(() -> ApiException.of(
                ApiError.INVALID_INPUT, "kind must be firmware, software or configuration", "kind"));
    }
}
