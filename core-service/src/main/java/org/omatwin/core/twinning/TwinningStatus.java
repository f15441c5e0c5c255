package org.omatwin.core.twinning;

import java.util.Optional;

/** Life cycle of a relationship: Pending until the primary redeems the code, then On/Off, then ended. */
public enum TwinningStatus {
    PENDING("Pending"),
    ON("On"),
    OFF("Off"),
    /** Ended by either side; never shown to devices (the resource no longer exists). */
    DEACTIVATED("Deactivated");

    private final String omaName;

    TwinningStatus(String omaName) {
        this.omaName = omaName;
    }

    public String omaName() {
        return omaName;
    }

    /** On or Off: the relationship is established. */
    public boolean isActive() {
        return this == ON || this == OFF;
    }

    /** The values a client may set by a toggle: On and Off only. */
    public static Optional<TwinningStatus> fromToggle(String value) {
        if (ON.omaName.equals(value)) {
            return Optional.of(ON);
        }
        if (OFF.omaName.equals(value)) {
            return Optional.of(OFF);
        }
        return Optional.empty();
    }
}
