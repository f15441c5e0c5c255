package org.omatwin.core.dm.alert;

import java.util.Optional;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.OperationStore;

/** Alerts and each device's alert allowance; every call runs inside the caller's transaction. */
public interface AlertStore extends OperationStore {

    /** The alert this device sent earlier with this alertId (unique per device). */
    Optional<ReceivedAlert> findAlert(DevId devId, String alertId);

    void insertAlert(ReceivedAlert alert);

    Optional<TokenBucket> alertBucket(DevId devId);

    void saveAlertBucket(DevId devId, TokenBucket bucket);
}
