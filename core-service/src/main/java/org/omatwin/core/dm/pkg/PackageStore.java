package org.omatwin.core.dm.pkg;

import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.audit.TransactionLog;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;

/** Signed packages and what refers to them; every call runs inside the caller's transaction. */
public interface PackageStore extends TransactionLog {

    void insertSignedPackage(SignedPackage p);

    /** The package, its row locked until the transaction ends. */
    Optional<SignedPackage> findSignedPackage(String packageId);

    void updateSignedPackage(SignedPackage p);

    void deleteSignedPackage(String packageId);

    /** A client's packages in order of their ids, after {@code afterId} (null: from the first). */
    List<SignedPackage> packagesOf(String clientId, String afterId, int limit);

    /** Whether another package than {@code packageId} has content with this SHA-256 kept. */
    boolean contentShared(String sha256, String packageId);

    /** Whether an operation that has not ended has a command naming the package. */
    boolean liveOperationNames(String packageId);

    /**
     * The operation (its id and requester client) of a command naming the package that was delivered to
     * the device and whose operation has not ended: what makes a download allowed (section 8).
     */
    Optional<LiveCommand> liveCommand(DevId devId, String packageId);

    record LiveCommand(String operationId, String requesterId) {}

    /** Every operation with a command naming the package, oldest first (EI9). */
    List<Installation> installations(String packageId);

    Optional<DeviceProfile> findDevice(DevId devId);
}
