package org.omatwin.core.dm.notify;

import java.time.Instant;
import java.util.List;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.infra.outbox.OutboxMessage;

/** What the device-notification gateway's producer reads and writes, inside its transaction. */
public interface WakeupFeed {
    /** A pending session to wake the device for; {@code line} null when the device has none. */
    record Unstarted(String sessionId, DevId devId, Line line, UiMode uiMode) {}

    /**
     * Pending sessions that became pending before {@code before} and were never handed to the gateway,
     * oldest first, now marked as handed (rows another instance is handing are skipped).
     */
    List<Unstarted> claimUnstarted(Instant before, int limit);

    void enqueue(OutboxMessage message, Instant now);
}
