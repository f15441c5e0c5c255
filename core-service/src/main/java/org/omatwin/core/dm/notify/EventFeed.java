package org.omatwin.core.dm.notify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.outbox.OutboxMessage;

/** What the fan-out reads and writes; every call runs inside the fan-out's transaction. */
public interface EventFeed {

    /**
     * The oldest events still to fan out. Only one core instance fans out at a time (others
     * get an empty list), so that each subscription's notifications enter the outbox in event order.
     */
    List<DmEvent> lockEventsToFanOut(int limit);

    /** The events are handled: their messages are in the outbox. */
    void removeFannedOut(List<Long> seqs);

    Optional<Operation> findOperation(String operationId);

    Optional<DeviceProfile> findDevice(DevId devId);

    /** See {@link org.omatwin.core.dm.device.DeviceStore#reaches}. */
    boolean reaches(DevId devId, Reach reach);

    Optional<ReceivedAlert> findAlertReceipt(String receiptId);

    Optional<Upload> findUpload(long uploadId);

    /** See {@link org.omatwin.core.dm.subscription.SubscriptionStore#subscriptionsFor}. */
    List<DmSubscription> subscriptionsFor(DevId devId, DmEventType type, Instant now);

    /** See {@link org.omatwin.core.dm.subscription.SubscriptionStore#purgeExpiredSubscriptions}. */
    int purgeExpiredSubscriptions(Instant now);

    void enqueue(OutboxMessage message, Instant now);
}
