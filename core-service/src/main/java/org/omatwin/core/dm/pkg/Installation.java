package org.omatwin.core.dm.pkg;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;

/**
 * One install or update of a package on a device (EI9): the operation that did it, its state and the
 * device's result code and text once it ended.
 */
public record Installation(DevId devId, String operationId, String type, String state, Integer resultCode,
        String resultText, Instant acceptedTime, Instant endTime) {}
