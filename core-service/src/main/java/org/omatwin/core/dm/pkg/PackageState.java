package org.omatwin.core.dm.pkg;

/**
 * A package's life (section 8): registered and waiting for its content; its content checked and
 * offered to devices; or refused for good, with the reason.
 */
public enum PackageState {
    AWAITING_CONTENT("AwaitingContent"), VERIFIED("Verified"), REJECTED("Rejected");

    private final String wire;

    PackageState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
