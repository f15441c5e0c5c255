package org.omatwin.core.dm.session;

import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.UiMode;

/** A session became pending for a device: the device should be told (section 7). */
public record SessionPending(DevId devId, String sessionId, UiMode uiMode) {}
