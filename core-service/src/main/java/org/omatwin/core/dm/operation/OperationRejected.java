package org.omatwin.core.dm.operation;

/**
 * The operation is accepted as a request but cannot be done on its device (e.g. a package whose
 * targets the device is outside of, section 8): it is recorded {@code Rejected} with the reason,
 * never queued.
 */
public final class OperationRejected extends RuntimeException {
    public OperationRejected(String reason) {
        super(reason, null, false, false);
    }
}
