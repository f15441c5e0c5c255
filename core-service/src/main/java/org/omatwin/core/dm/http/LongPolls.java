package org.omatwin.core.dm.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.omatwin.core.dm.device.DevId;

/**
 * The long polls held on this instance (dm-api.md 2: {@code GET /sessions/pending?wait=N}), one per
 * device: a future, not a thread. A newer poll of the same device ends the older one with an empty
 * list; {@link #wake} completes the device's poll when a session became pending (on this or, through
 * PostgreSQL, any other instance).
 */
public final class LongPolls {
    private final ConcurrentHashMap<DevId, CompletableFuture<Boolean>> held = new ConcurrentHashMap<>();

    /** Holds the device's poll; completes with true when woken, false when replaced or timed out. */
    public CompletableFuture<Boolean> hold(DevId devId) {
        CompletableFuture<Boolean> poll = new CompletableFuture<>();
        CompletableFuture<Boolean> older = held.put(devId, poll);
        if (older != null) {
            older.complete(false);
        }
        poll.whenComplete((woken, error) -> held.remove(devId, poll));
        return poll;
    }

    public void wake(DevId devId) {
        CompletableFuture<Boolean> poll = held.get(devId);
        if (poll != null) {
            poll.complete(true);
        }
    }

    /** Polls held now (a gauge). */
    public int size() {
        return held.size();
    }
}
