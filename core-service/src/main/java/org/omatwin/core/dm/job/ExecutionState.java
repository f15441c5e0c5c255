package org.omatwin.core.dm.job;

import java.util.Arrays;
import java.util.Optional;
import org.omatwin.core.dm.operation.OperationState;

/** An execution has its operation's states (section 5); Queued also before its operation exists. */
public enum ExecutionState {
    QUEUED(OperationState.QUEUED),
    DELIVERED(OperationState.DELIVERED),
    SUCCEEDED(OperationState.SUCCEEDED),
    FAILED(OperationState.FAILED),
    CANCELLED(OperationState.CANCELLED),
    TIMED_OUT(OperationState.TIMED_OUT),
    REJECTED(OperationState.REJECTED);

    private final OperationState operationState;

    ExecutionState(OperationState operationState) {
        this.operationState = operationState;
    }

    public String wire() {
        return operationState.wire();
    }

    public boolean isFinal() {
        return operationState.isFinal();
    }

    public static Optional<ExecutionState> fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
