package org.omatwin.core.dm.device;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Devices and their last known tree; every call runs inside the caller's transaction. */
public interface DeviceStore {

    /**
     * Locks the device's row (created if absent) until the transaction ends. Every use case that
     * changes a device's queue, sessions or alerts takes this lock first, so instances serialise per
     * device in the database (SELECT ... FOR UPDATE) and never in memory.
     */
    void lockDevice(DevId devId, Instant now);

    Optional<DeviceProfile> findDevice(DevId devId);

    void saveDevice(DeviceProfile profile);

    /** The device most recently seen on {@code line} (its token's msisdn claim), if any. */
    Optional<DevId> deviceOnLine(Line line);

    /**
     * Devices that were seen (they reported a profile) and match {@code filter} (null: all), ordered by
     * devId, after {@code after} (null: from the first), at most {@code limit}.
     */
    default List<DeviceProfile> devices(DeviceFilter filter, DevId after, int limit) {
        return devices(filter, Reach.ALL, after, limit);
    }

    /** As {@link #devices(DeviceFilter, DevId, int)}, only the devices within {@code reach}. */
    List<DeviceProfile> devices(DeviceFilter filter, Reach reach, DevId after, int limit);

    /** Whether the device is within the reach (section 6: outside it, a device looks unknown). */
    boolean reaches(DevId devId, Reach reach);

    /** Replaces the stored value of each node (by uri) with the given one. */
    void putNodeValues(DevId devId, List<NodeValue> values);

    /** The last known values at or under {@code uri} ("./" for the whole tree), ordered by uri. */
    List<NodeValue> tree(DevId devId, String uri);
}
