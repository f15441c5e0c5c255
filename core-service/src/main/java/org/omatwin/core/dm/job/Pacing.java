package org.omatwin.core.dm.job;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code rollout.maxPerMinute} (section 5): how many executions may have become deliverable by a time,
 * counted from when the job began running, spread evenly over each minute (one at once, then one per
 * 60/maxPerMinute seconds) rather than a minute's worth in a burst. Derived from the job's stored
 * dispatch count, so it survives a restart and holds across core instances.
 */
final class Pacing {
    private Pacing() {}

    /** Executions that may be dispatched in total by {@code now}; unpaced: no limit. */
    static long allowed(Integer maxPerMinute, Instant runningSince, Instant now) {
        if (maxPerMinute == null) {
            return Long.MAX_VALUE;
        }
        long elapsedMillis = Math.max(0, Duration.between(runningSince, now).toMillis());
        // one at once, then one more each time another 60/maxPerMinute seconds have passed
        return 1 + Math.floorDiv(elapsedMillis * maxPerMinute, 60_000L);
    }

    /** When the next execution after {@code dispatched} may go, or null when unpaced. */
    static Instant nextAllowed(Integer maxPerMinute, Instant runningSince, long dispatched) {
        if (maxPerMinute == null) {
            return null;
        }
        // the smallest elapsed time at which allowed() exceeds dispatched
        long millis = Math.ceilDiv(dispatched * 60_000L, maxPerMinute);
        return runningSince.plusMillis(millis);
    }
}
