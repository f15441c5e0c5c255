package org.omatwin.core.dm.operation;

/** Section 4: {@code Queued}, {@code Delivered} and the final states. */
public enum OperationState {
    QUEUED("Queued"),
    DELIVERED("Delivered"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    CANCELLED("Cancelled"),
    TIMED_OUT("TimedOut"),
    REJECTED("Rejected");

    private final String wire;

    OperationState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** A final state never changes again: later reports and alerts are recorded but change nothing. */
    public boolean isFinal() {
        return this != QUEUED && this != DELIVERED;
    }
}
