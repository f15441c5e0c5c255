package org.omatwin.core.dm.event;

import java.time.Instant;
import java.util.Objects;
import org.omatwin.core.dm.device.DevId;

/**
 * Something that happened to a device, recorded in the transaction of the change that caused it and
 * pushed to subscribers afterwards (section 7). An event names what it is about rather than copying
 * it: the operation (whose final state never changes), the alert or the upload (both immutable).
 *
 * @param operationId the operation the event concerns. An event of the operation itself (its end, an
 *     upload for it) goes to that operation's requester only: its callbackReference and its own
 *     subscriptions. An event of the device (an alert, even one that completes an operation) goes to
 *     every subscriber of the device.
 */
public record DmEvent(long seq, DmEventType type, DevId devId, String operationId, String alertReceiptId,
        Long uploadId, Instant occurredAt) {

    public DmEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(devId, "devId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    public static DmEvent ofOperation(DmEventType type, DevId devId, String operationId, Instant now) {
        return new DmEvent(0, type, devId, operationId, null, null, now);
    }

    public static DmEvent ofAlert(DmEventType type, DevId devId, String alertReceiptId, String operationId,
            Instant now) {
        return new DmEvent(0, type, devId, operationId, alertReceiptId, null, now);
    }

    public static DmEvent ofUpload(DevId devId, String operationId, long uploadId, Instant now) {
        return new DmEvent(0, DmEventType.UPLOAD_RECEIVED, devId, operationId, null, uploadId, now);
    }

    public static DmEvent ofDevice(DmEventType type, DevId devId, Instant now) {
        return new DmEvent(0, type, devId, null, null, null, now);
    }

    /** Goes to one requester only (the operation's), rather than to every subscriber of the device. */
    public boolean isPrivate() {
        return operationId != null && alertReceiptId == null;
    }
}
