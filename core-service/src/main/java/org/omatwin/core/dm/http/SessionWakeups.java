package org.omatwin.core.dm.http;

import java.util.List;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.session.PendingSessionListener;
import org.omatwin.core.dm.session.SessionPending;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a device's held long poll on whichever core instance holds it (dm-api.md section 7): told
 * after the commit that made a session pending, it wakes this instance's poll at once and announces
 * the devId on a PostgreSQL channel that every instance listens to ({@link #CHANNEL}).
 */
public final class SessionWakeups implements PendingSessionListener {
    public static final String CHANNEL = "dm_sessions";
    private static final Logger LOG = LoggerFactory.getLogger(SessionWakeups.class);

    private final DSLContext db;
    private final LongPolls polls;
    private final PendingIndex index;

    public SessionWakeups(DSLContext db, LongPolls polls, PendingIndex index) {
        this.db = db;
        this.polls = polls;
        this.index = index;
    }

    @Override
    public void sessionPending(SessionPending event) {
        index.pending(event.devId());
        polls.wake(event.devId());
        try {
            db.select(DSL.function("pg_notify", Object.class, DSL.val(CHANNEL), DSL.val(event.devId().value())))
                    .fetch();
        } catch (RuntimeException e) {
            // the session is committed: a device on another instance finds it at its next poll
            LOG.warn("could not announce a pending session to the other instances: {}", e.getMessage());
        }
    }

    /** The sink of {@link #CHANNEL}: every announced devId wakes its poll here. */
    public Consumer<List<String>> announcements() {
        return payloads -> payloads.forEach(p -> {
            try {
                DevId devId = DevId.of(p);
                index.pending(devId);
                polls.wake(devId);
            } catch (RuntimeException ignored) {
                // not a devId: nothing to wake
            }
        });
    }
}
