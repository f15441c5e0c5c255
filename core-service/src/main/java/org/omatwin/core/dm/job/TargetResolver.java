package org.omatwin.core.dm.job;

import java.util.Optional;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;

/**
 * How a job's client names devices and lines (section 4's deviceRef, section 6's pseudonyms and
 * reach), answered for the client whose job it is, outside any call of that client.
 */
public interface TargetResolver {

    /** A device reference of the job's list: the device, or why it cannot be a target. */
    Resolution device(String clientId, String ref);

    /** A line of the job's users list (tel:, or a line pseudonym the client was given). */
    Optional<Line> line(String clientId, String ref);

    /** Either a device or the reason the target is Rejected. */
    record Resolution(DevId devId, String reason) {
        public static Resolution of(DevId devId) {
            return new Resolution(devId, null);
        }

        public static Resolution rejected(String reason) {
            return new Resolution(null, reason);
        }
    }
}
