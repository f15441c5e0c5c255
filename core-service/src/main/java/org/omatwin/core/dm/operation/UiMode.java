package org.omatwin.core.dm.operation;

import java.util.Arrays;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** How the device may involve its user while running a session (section 4, {@code uiMode}). */
public enum UiMode {
    BACKGROUND("background"), INFORMATIVE("informative"), USER_INTERACTION("userInteraction");

    private final String wire;

    UiMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static UiMode fromWire(String text) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(text)).findFirst()
                .orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT,
                        "uiMode must be background, informative or userInteraction", "uiMode"));
    }
}
