package org.omatwin.core.dm.alert;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;

/**
 * An alert as recorded: every accepted alert is kept, whether or not it changed anything.
 * {@code operationId} is set only when its correlator belongs to a command sent to this device.
 */
public record ReceivedAlert(String receiptId, DevId devId, Alert alert, Instant receivedTime, String operationId) {}
