package org.omatwin.core.dm.data;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;

/**
 * An item of the data repository (2.3). It belongs to one device and one command: a {@code VALUE}
 * is what an HGET fetches (a configure value, secrets included, so it is erased when its operation
 * ends and never logged: {@link #toString()} leaves the content out); an {@code UPLOAD} receives one
 * HPUT/HPOST; a {@code STANDING_UPLOAD} receives the periodic reports of a diagnostic function
 * until a diagnosticsStop of that function succeeds, which makes it {@code CLOSED} (what it received
 * stays readable; the device's next report is refused as for an unknown item). A {@code CODE} item is
 * the page a SHOW displays (an account's one-time code, section 3): its content is made when the device
 * fetches it, so the code is never stored in clear.
 */
public record DataItem(String itemId, DevId devId, String operationId, String commandId, Kind kind,
        String mediaType, byte[] content, Instant createdTime) {

    /** HPUT/HPOST items receive at most 1 MiB each (2.3). */
    public static final int MAX_UPLOAD_BYTES = 1 << 20;

    public enum Kind {
        VALUE, UPLOAD, STANDING_UPLOAD, CLOSED, CODE;

        /** Receives HPUT/HPOST now. */
        public boolean isUpload() {
            return this == UPLOAD || this == STANDING_UPLOAD;
        }
    }

    public boolean belongsTo(DevId device) {
        return devId.equals(device);
    }

    @Override
    public String toString() {
        return "DataItem[" + itemId + ", " + devId + ", " + kind + ", operation " + operationId + "]";
    }
}
