package org.omatwin.core.dm.data;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;

/** What the device sent to an upload item: readable by the operation's requester (2.3, D1). */
public record Upload(String itemId, String operationId, DevId devId, String mediaType, byte[] content,
        Instant receivedTime) {
    @Override
    public String toString() {
        return "Upload[" + itemId + ", " + devId + ", " + content.length + " bytes at " + receivedTime + "]";
    }
}
