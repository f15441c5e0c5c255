package org.omatwin.core.twinning.portal;

import java.util.List;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.TwinningEvent;

/**
 * Which lines each subscriber owns (the operator's provisioning, {@code org.omatwin.core.subscriber}), and
 * the event log of a relationship, for the self-care portal.
 */
public interface SubscriberStore {
    /** One entry of a relationship's history: the event log's id and the event. */
    record HistoryEntry(long eventId, TwinningEvent event) {}

    /** The subscriber's lines, in address order; empty for an unknown subscriber. */
    List<DeviceAddress> linesOf(String subscriberId);

    /** The subscriber's nicknames of their lines (lines without one are absent). */
    java.util.Map<DeviceAddress, String> nicknamesOf(String subscriberId);

    /** Sets (null: removes) the nickname of a line. */
    void setNickname(DeviceAddress line, String nickname);

    /** Every event of the relationship, newest first. */
    List<HistoryEntry> historyOf(String twinningId);
}
