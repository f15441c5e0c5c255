package org.omatwin.core.twinning.activation;

import java.time.Duration;
import java.time.Instant;

/**
 * Failed activation-code attempts of one device in a fixed window (POL2005). Once the device has used
 * up its failures it must wait until the window ends, whatever it sends.
 */
public record AttemptWindow(Instant startedAt, int failures) {

    /** How long the device must still wait, or zero when it may try. */
    public Duration blockedFor(Instant now, int maxFailures, Duration window) {
        Instant end = startedAt.plus(window);
        if (failures < maxFailures || !now.isBefore(end)) {
            return Duration.ZERO;
        }
        return Duration.between(now, end);
    }

    /** The window after one more failure at {@code now}. */
    public static AttemptWindow afterFailure(AttemptWindow current, Instant now, Duration window) {
        if (current == null || !now.isBefore(current.startedAt.plus(window))) {
            return new AttemptWindow(now, 1);
        }
        return new AttemptWindow(current.startedAt, current.failures + 1);
    }
}
