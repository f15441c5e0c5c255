package org.omatwin.core.dm.session;

import java.time.Duration;

/**
 * Limits of the session protocol, read from configuration by the infrastructure.
 *
 * @param maxCommandsPerPackage commands in one package (END not counted); more make more packages
 * @param unreportedTimeout a started session whose package stays unreported this long is Aborted (2.1)
 */
public record SessionPolicy(int maxCommandsPerPackage, Duration unreportedTimeout) {
    public static final SessionPolicy DEFAULT = new SessionPolicy(20, Duration.ofSeconds(300));

    public SessionPolicy {
        if (maxCommandsPerPackage < 1 || unreportedTimeout.isNegative() || unreportedTimeout.isZero()) {
            throw new IllegalArgumentException("at least one command per package and a positive timeout");
        }
    }
}
