package org.omatwin.core.dm.session;

/** The {@code result} of a {@code sessionList} entry (2.1). */
public enum SessionResult {
    PENDING("Pending"),
    /** Every command's status was 2xx. */
    OK("OK"),
    /** Some command's status was not 2xx. */
    FAILURE("Failure"),
    /** Aborted by the device (DELETE) or left unreported too long. */
    ABORTED("Aborted"),
    /** Pending, but all its work was cancelled or timed out before the device started it. */
    EXPIRED("Expired");

    private final String wire;

    SessionResult(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
