package org.omatwin.core.dm.job;

import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.SessionMode;

/** The operation every execution of a job performs: section 4's operation without its device. */
public record JobOperation(OperationType type, OperationArguments arguments, SessionMode mode) {
    /**
     * The device a job's operation is read and planned for once, before any device is known: its
     * arguments are checked, and its commands against the client's node rules.
     */
    public static final DevId PLANNED = DevId.of("urn:dev:job:plan");

    /** The operation request of one execution (its results go through the job, not a callback). */
    public OperationRequest forDevice(DevId devId, Integer timeoutSeconds) {
        return new OperationRequest(type, arguments, devId, mode, null, null, null, timeoutSeconds);
    }
}
