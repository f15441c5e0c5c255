package org.omatwin.core.dm.job;

import java.util.Arrays;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** How a job's results reach its client (section 5, 5.1.6, 5.1 step 7). */
public enum ResultsMode {
    /** Read executions, paged and filtered by state. */
    PULL("pull"),
    /** Executions POSTed in batches of up to 500 as they end (unordered across batches). */
    PUSH_EACH("pushEach"),
    /** One notification when every execution has ended. */
    PUSH_ON_COMPLETION("pushOnCompletion");

    private final String wire;

    ResultsMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ResultsMode fromWire(String wire) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(wire)).findFirst().orElseThrow(() -> ApiException.of(
                ApiError.INVALID_INPUT, "results.mode is pull, pushEach or pushOnCompletion", "job.results.mode"));
    }
}
