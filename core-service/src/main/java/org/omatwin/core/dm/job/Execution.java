package org.omatwin.core.dm.job;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.Operation;

/**
 * One target's execution (section 5): the target as given, the device it runs on, its state and, once
 * dispatched, its operation (whose results and codes are the execution's).
 *
 * @param devId null when the target named no device (Rejected)
 * @param operation null until dispatched, and for a Rejected or undispatched-Cancelled execution
 */
public record Execution(String jobId, int seq, String target, DevId devId, ExecutionState state, String reason,
        Operation operation, Instant endedTime) {}
