package org.omatwin.core.dm.alert;

/**
 * Alerts per device (2.2: 429 POL2005 with Retry-After past the limit).
 *
 * @param burst alerts a device may send at once
 * @param perSecond alerts per second it regains
 */
public record AlertPolicy(int burst, double perSecond) {
    public static final AlertPolicy DEFAULT = new AlertPolicy(20, 1.0 / 6);

    public AlertPolicy {
        if (burst < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("burst at least 1 and a positive rate");
        }
    }
}
