package org.omatwin.core.twinning.activation;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.omatwin.core.infra.error.ApiException;

/**
 * Wrong activation codes, counted per key (a device, or a partner as a whole) in a sliding window
 * (HLF-SD-003: attempts limited). The caller loads and stores the window; this class holds the rule.
 */
public final class CodeAttempts {
    private final Duration window;

    public CodeAttempts(Duration window) {
        this.window = window;
    }

    /** How long the key must still wait with at most {@code maxFailures} in a window; zero: it may try. */
    public Duration blockedFor(Optional<AttemptWindow> attempts, int maxFailures, Instant now) {
        return attempts.map(w -> w.blockedFor(now, maxFailures, window)).orElse(Duration.ZERO);
    }

    /** POL2005 with Retry-After while {@code wait} is not over. */
    public static void requireNotBlocked(Duration wait) {
        if (!wait.isZero()) {
            throw ApiException.rateLimited("too many wrong activation codes, try again later", wait,
                    "activationCode");
        }
    }

    /** The window to store after one more wrong code. */
    public AttemptWindow afterFailure(Optional<AttemptWindow> attempts, Instant now) {
        return AttemptWindow.afterFailure(attempts.orElse(null), now, window);
    }
}
