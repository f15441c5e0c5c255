package org.omatwin.core.dm.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.omatwin.core.dm.device.DevId;

/**
 * What this instance knows, without asking PostgreSQL, about devices that have NO pending session, so
 * that the fleet's empty polls (a million devices every few minutes) never reach the database.
 *
 * <p>Only "nothing pending" is remembered, and only as long as it is certain: an entry is written from
 * a database read, and any announcement that a session became pending for the device (from this
 * instance after its commit, or from another one through PostgreSQL's LISTEN/NOTIFY) turns it into
 * "ask the database". A read that raced with such an announcement is not recorded (a per-device
 * version tells), and when the listening connection is lost or re-established everything is
 * forgotten, since announcements may have been missed meanwhile. A session that stops being pending
 * needs no announcement: "pending" is never cached, so that device keeps being read until it is empty.
 */
public final class PendingIndex {
    private static final int MAX_ENTRIES = 500_000;

    private record Entry(long version, boolean empty, long epoch) {}

    private final ConcurrentHashMap<DevId, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean listening;

    /** True only when this instance is certain the device has no pending session. */
    public boolean knownEmpty(DevId devId) {
        Entry e = entries.get(devId);
        return listening && e != null && e.empty() && e.epoch() == epoch.get();
    }

    /** The device's version, to pass back to {@link #recordRead} with what the read found. */
    public long versionBeforeRead(DevId devId) {
        Entry e = entries.get(devId);
        return e == null ? 0 : e.version();
    }

    /** Records a database read begun at {@code version}; ignored when an announcement came in between. */
    public void recordRead(DevId devId, long version, boolean empty) {
        if (!listening) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // bounded memory: forgetting only costs database reads
        }
        long now = epoch.get();
        entries.compute(devId, (id, old) -> {
            long current = old == null ? 0 : old.version();
            return current != version ? old : new Entry(current, empty, now);
        });
    }

    /** A session became pending for the device (here or on another instance). */
    public void pending(DevId devId) {
        entries.compute(devId, (id, old) -> new Entry(old == null ? 1 : old.version() + 1, false, epoch.get()));
    }

    /** The announcement channel is (re)connected: what was known before may have missed announcements. */
    public void listening() {
        epoch.incrementAndGet();
        entries.clear();
        listening = true;
    }

    /** The announcement channel is lost: nothing is certain until it is back. */
    public void deaf() {
        listening = false;
        epoch.incrementAndGet();
    }
}
