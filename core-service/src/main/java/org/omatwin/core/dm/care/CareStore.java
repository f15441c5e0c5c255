package org.omatwin.core.dm.care;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.pkg.SignedPackage;

/** What device care reads, in the caller's transaction; it writes nothing itself (operations do). */
public interface CareStore {

    /** The subscriber's lines (provisioning), as stored; empty for an unknown subscriber. */
    List<String> linesOf(String subscriberId);

    /** Devices bound to one of {@code lines}, by devId. */
    List<DeviceProfile> devicesOn(Collection<Line> lines);

    Optional<DeviceProfile> findDevice(DevId devId);

    /** The subscriber's own name for the device (their DM account registration), if they gave one. */
    Optional<String> registeredName(String subscriberId, DevId devId);

    /** The last known values at or under {@code uri}, ordered by uri. */
    List<NodeValue> tree(DevId devId, String uri);

    /**
     * Verified packages of every client whose targets name this manufacturer and model or leave them
     * open (the versions are checked by the caller).
     */
    List<SignedPackage> verifiedPackagesFor(String man, String mod);

    /** A package by id, without locking it. */
    Optional<SignedPackage> readPackage(String packageId);

    Optional<Operation> findOperation(String operationId);

    /** The requester's operations, newest first. */
    List<Operation> operationsOf(Requester requester, int offset, int limit);
}
