package org.omatwin.core.dm.care;

import java.util.List;
import org.omatwin.core.dm.device.DeviceProfile;

/**
 * A device on one of the subscriber's lines as device care shows it (UP3): its profile as last reported,
 * the software and configuration its last known tree holds, the updates available for it (UP4), whether
 * a configuration package can be sent again (UP1), and the subscriber's operation still running on it.
 *
 * @param settings the configuration package "send my settings again" delivers, or null
 * @param running the subscriber's latest operation on the device that has not ended, or null
 */
public record CaredDevice(DeviceProfile profile, String name, List<InstalledSoftware> software,
        List<String> configuration, List<AvailableUpdate> updates, AvailableUpdate settings, CareOperation running) {

    public CaredDevice {
        software = List.copyOf(software);
        configuration = List.copyOf(configuration);
        updates = List.copyOf(updates);
    }

    /** One entry of {@code ./SCOMO/Inventory/Deployed}; any element but the id may be unreported. */
    public record InstalledSoftware(String id, String name, String version, String state) {}
}
