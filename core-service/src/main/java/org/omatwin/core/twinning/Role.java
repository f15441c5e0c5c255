package org.omatwin.core.twinning;

import java.util.Optional;

/** The side a device takes in a twinning relationship. */
public enum Role {
    PRIMARY("Primary"),
    SECONDARY("Secondary");

    private final String omaName;

    Role(String omaName) {
        this.omaName = omaName;
    }

    public String omaName() {
        return omaName;
    }

    public Role other() {
        return this == PRIMARY ? SECONDARY : PRIMARY;
    }

    /** Exact OMA spelling only ("Primary", "Secondary"). */
    public static Optional<Role> fromOma(String value) {
        for (Role r : values()) {
            if (r.omaName.equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
