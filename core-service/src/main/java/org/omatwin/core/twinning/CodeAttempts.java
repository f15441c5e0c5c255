package org.omatwin.core.twinning;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.omatwin.core.activation.AttemptWindow;
import org.omatwin.core.error.ApiException;

/** Wrong activation codes, counted per key (a device, or a partner as a whole) in the policy's window. */
final class CodeAttempts {
    private final TwinningPolicy policy;

    CodeAttempts(TwinningPolicy policy) {
        this.policy = policy;
    }

    /** How long the key must still wait with at most {@code maxFailures} in a window; zero: it may try. */
    Duration blockedFor(Optional<AttemptWindow> window, int maxFailures, Instant now) {
        return window.map(w -> w.blockedFor(now, maxFailures, policy.attemptWindow())).orElse(Duration.ZERO);
    }

    /** POL2005 with Retry-After while {@code wait} is not over. */
    static void requireNotBlocked(Duration wait) {
        if (!wait.isZero()) {
            throw ApiException.rateLimited("too many wrong activation codes, try again later", wait,
                    "activationCode");
        }
    }

    void recordFailure(TwinningStore store, DeviceAddress key, Optional<AttemptWindow> window, Instant now) {
        store.saveAttempts(key, AttemptWindow.afterFailure(window.orElse(null), now, policy.attemptWindow()));
    }
}
