package org.omatwin.core.dm.device;

/**
 * Whether a device's line is proven (dm-api.md section 3): by the device token's {@code msisdn} claim
 * (the network authenticated the SIM), by the one-time code an account entered, or by the operator's
 * provisioning. A device with a proven line is {@code Confirmed} on it, any other {@code Unconfirmed}.
 */
public enum Binding {
    CONFIRMED("Confirmed"),
    UNCONFIRMED("Unconfirmed");

    private final String wire;

    Binding(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Binding of(Line line) {
        return line == null ? UNCONFIRMED : CONFIRMED;
    }
}
