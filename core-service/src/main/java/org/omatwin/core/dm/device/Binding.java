package org.omatwin.core.dm.device;

/**
 * Whether a device's line is proven (dm-api.md section 3). Until account registrations with one-time
 * codes exist, the only proof is the device token's {@code msisdn} claim (the network authenticated the
 * SIM): a device seen with it is {@code Confirmed} on that line, any other device {@code Unconfirmed}.
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
