package org.omatwin.core.dm.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.omatwin.core.infra.outbox.Dispatcher;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.infra.storage.Transactions;

/**
 * The device-notification gateway (dm-api.md section 7): a session still not started {@code delay}
 * (30 s) after it became pending is handed once to the operator's gateway (SMS or push) as
 * {@code {devId, msisdn, sessionId, uiMode}}, through the outbox (durable, retried). A device whose held
 * long poll took the session in time started it, so it is never handed over. Off when no gateway is
 * configured (this producer is then not registered).
 */
public final class DeviceWakeups implements Dispatcher.Producer {
    private static final int BATCH = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transactions<? extends WakeupFeed> tx;
    private final URI gateway;
    private final Duration delay;

    public DeviceWakeups(Transactions<? extends WakeupFeed> tx, URI gateway, Duration delay) {
        this.tx = tx;
        this.gateway = gateway;
        this.delay = delay;
    }

    @Override
    public boolean produce(Instant now) {
        int handed = tx.inTransaction(feed -> {
            List<WakeupFeed.Unstarted> due = feed.claimUnstarted(now.minus(delay), BATCH);
            for (WakeupFeed.Unstarted s : due) {
                feed.enqueue(new OutboxMessage(Ids.newId(), "gateway:" + s.devId().value(),
                        new Target.DeviceGateway(gateway), "dm.wakeup", body(s), s.devId().value(), null, now), now);
            }
            return due.size();
        });
        return handed == BATCH;
    }

    static String body(WakeupFeed.Unstarted s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("devId", s.devId().value());
        if (s.line() != null) {
            n.put("msisdn", s.line().value());
        }
        n.put("sessionId", s.sessionId());
        n.put("uiMode", s.uiMode().wire());
        return n.toString();
    }
}
