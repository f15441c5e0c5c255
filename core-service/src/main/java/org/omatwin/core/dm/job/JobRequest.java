package org.omatwin.core.dm.job;

import java.time.Instant;
import java.util.Objects;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The body of {@code POST /dmwsi/v1/jobs} (section 5) after the edge read it. Records compare by
 * value: a retried request with the same clientCorrelator is "the same body" when the two are equal.
 *
 * @param startTime no execution deliverable before (null: at once)
 * @param endTime none deliverable after; undelivered executions then end Cancelled (null: no end)
 * @param maxPerMinute executions made deliverable per minute (null: unpaced)
 * @param failureThresholdPercent abort once Failed + TimedOut reach this share of ended executions
 * @param minExecuted ... but not before this many ended (default 1)
 * @param timeoutSeconds per execution, from its dispatch (default section 4's 86,400)
 */
public record JobRequest(JobOperation operation, Targets targets, Instant startTime, Instant endTime,
        Integer maxPerMinute, Integer failureThresholdPercent, Integer minExecuted, Integer timeoutSeconds,
        ResultsMode mode, String notifyUrl, String callbackData, String clientCorrelator) {

    public JobRequest {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(targets, "targets");
        mode = mode == null ? ResultsMode.PULL : mode;
        if (startTime != null && endTime != null && !endTime.isAfter(startTime)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "job.schedule.endTime must be after its startTime",
                    "job.schedule.endTime");
        }
        positive(maxPerMinute, "job.rollout.maxPerMinute");
        positive(timeoutSeconds, "job.timeoutSeconds");
        positive(minExecuted, "job.abort.minExecuted");
        if (failureThresholdPercent != null && (failureThresholdPercent < 1 || failureThresholdPercent > 100)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "job.abort.failureThresholdPercent is 1 to 100",
                    "job.abort.failureThresholdPercent");
        }
        if (minExecuted != null && failureThresholdPercent == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "job.abort.minExecuted needs a failureThresholdPercent",
                    "job.abort.failureThresholdPercent");
        }
        if (mode != ResultsMode.PULL && notifyUrl == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "job.results.mode " + mode.wire()
                    + " needs a callbackReference", "job.results.callbackReference");
        }
    }

    /** Checks the schedule against the time the job is created: an endTime already past is refused. */
    void checkSchedule(Instant now) {
        if (endTime != null && !endTime.isAfter(now)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "job.schedule.endTime " + endTime + " has passed",
                    "job.schedule.endTime");
        }
    }

    /** When the job may begin: its startTime, or at creation. */
    Instant startAt(Instant created) {
        return startTime == null || startTime.isBefore(created) ? created : startTime;
    }

    public int minimumEnded() {
        return minExecuted == null ? 1 : minExecuted;
    }

    private static void positive(Integer value, String element) {
        if (value != null && value <= 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, element + " must be positive", element);
        }
    }
}
