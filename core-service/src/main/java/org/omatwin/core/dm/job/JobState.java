package org.omatwin.core.dm.job;

/** Section 5: a job is Scheduled until its startTime, Running, then Completed, Cancelled or Aborted. */
public enum JobState {
    SCHEDULED("Scheduled"),
    RUNNING("Running"),
    COMPLETED("Completed"),
    CANCELLED("Cancelled"),
    ABORTED("Aborted");

    private final String wire;

    JobState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Still making executions deliverable (or about to). */
    public boolean isLive() {
        return this == SCHEDULED || this == RUNNING;
    }
}
