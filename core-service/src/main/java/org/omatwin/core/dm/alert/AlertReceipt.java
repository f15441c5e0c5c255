package org.omatwin.core.dm.alert;

import java.util.Optional;
import org.omatwin.core.dm.operation.Operation;

/**
 * The outcome of an alert: {@code duplicate} when its alertId was seen before (a retry counts once),
 * and the operation it completed, if any (for the operationCompleted notification).
 */
public record AlertReceipt(ReceivedAlert alert, boolean duplicate, Optional<Operation> completed) {}
