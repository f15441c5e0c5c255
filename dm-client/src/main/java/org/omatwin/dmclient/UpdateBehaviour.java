package org.omatwin.dmclient;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/** How the simulated device's firmware and software updates behave: they succeed unless told to fail. */
public final class UpdateBehaviour {

    private static final int NONE = Integer.MIN_VALUE;
    private final AtomicInteger failNext = new AtomicInteger(NONE);
    private volatile Duration downloadTimeout = Duration.ofMinutes(30);

    /**
     * Makes the next FUMO or SCOMO operation fail with {@code resultCode} (e.g. 410 for FUMO, 1405 for SCOMO);
     * the one after it succeeds again.
     */
    public UpdateBehaviour failNextUpdate(int resultCode) {
        failNext.set(resultCode);
        return this;
    }

    /** The failure requested for this update, consumed. */
    OptionalInt takeFailure() {
        int code = failNext.getAndSet(NONE);
        return code == NONE ? OptionalInt.empty() : OptionalInt.of(code);
    }

    public Duration downloadTimeout() {
        return downloadTimeout;
    }

    public UpdateBehaviour downloadTimeout(Duration timeout) {
        this.downloadTimeout = timeout;
        return this;
    }
}
