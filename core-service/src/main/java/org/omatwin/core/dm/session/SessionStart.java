package org.omatwin.core.dm.session;

import java.util.List;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DevInfo;

/** Package#1's {@code sessionStart} (2.2); every element optional. */
public record SessionStart(DevId devId, DevInfo devInfo, DevDetail devDetail, List<String> supportedMOs) {
    public static final SessionStart EMPTY = new SessionStart(null, null, null, null);
}
