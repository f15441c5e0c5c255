package org.omatwin.core.twinning.notify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands committed events (from every instance, announced on PostgreSQL) to this instance's watchers. */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private final List<Consumer<OutboxEvent>> watchers = new CopyOnWriteArrayList<>();

    public Runnable subscribe(Consumer<OutboxEvent> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /**
     * The sink of the announcement channel ({@code TwinningEventLog.CHANNEL}): each payload lists the
     * ids of committed events, read here with their relationships and published.
     */
    public java.util.function.Consumer<List<String>> fromAnnouncements(
            org.omatwin.core.infra.storage.Transactions<TwinningEvents> tx) {
        return payloads -> {
            List<Long> ids = new java.util.ArrayList<>();
            for (String payload : payloads) {
                for (String id : payload.split(",")) {
                    if (!id.isBlank()) {
                        ids.add(Long.parseLong(id.strip()));
                    }
                }
            }
            if (!ids.isEmpty()) {
                publish(tx.inTransaction(log -> log.events(ids)));
            }
        };
    }

    public void publish(List<OutboxEvent> events) {
        for (OutboxEvent e : events) {
            for (Consumer<OutboxEvent> w : watchers) {
                try {
                    w.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("an event watcher failed; it is dropped", ex);
                    watchers.remove(w);
                }
            }
        }
    }
}
