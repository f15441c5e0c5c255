package org.omatwin.core.twinning.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.omatwin.core.infra.outbox.Dispatcher;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.subscription.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed twinning events into outbox messages (HLF-PD-007, HLF-SD-008, HLF-IC-005..007): one
 * notification per receiving subscription and the messages a partner MNO must get, in one transaction
 * with marking the events done and announcing them to every instance's watchers.
 */
public final class TwinningFanOut implements Dispatcher.Producer {
    /** The body of the notification one subscription of the recipient gets for an event. */
    @FunctionalInterface
    public interface Renderer {
        String render(OutboxEvent event, Subscription subscription, Role recipient);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TwinningFanOut.class);
    private static final int BATCH = 200;

    private final Transactions<TwinningEvents> tx;
    private final Renderer renderer;
    private final PeerOutbox peers;
    private final TokenRevocations revocations;
    private final Counter queued;

    public TwinningFanOut(Transactions<TwinningEvents> tx, Renderer renderer, PeerOutbox peers,
            MeterRegistry metrics) {
        this(tx, renderer, peers, TokenRevocations.NONE, metrics);
    }

    public TwinningFanOut(Transactions<TwinningEvents> tx, Renderer renderer, PeerOutbox peers,
            TokenRevocations revocations, MeterRegistry metrics) {
        this.tx = tx;
        this.renderer = renderer;
        this.peers = peers;
        this.revocations = revocations;
        this.queued = Counter.builder("twinning.notifications.queued").description("notifications created")
                .register(metrics);
    }

    @Override
    public boolean produce(Instant now) {
        int locked = tx.inTransaction(log -> {
            List<OutboxEvent> events = log.lockEventsToFanOut(BATCH);
            // One query for the subscriptions of every device the batch concerns.
            Map<DeviceAddress, List<Subscription>> byDevice = log.liveSubscriptions(events.stream()
                    .flatMap(e -> e.recipients().stream().map(r -> e.twinning().addressOf(r)))
                    .filter(Objects::nonNull)
                    .collect(Collectors.toSet()), now)
                    .stream().collect(Collectors.groupingBy(Subscription::device));
            List<Long> ids = new ArrayList<>();
            for (OutboxEvent e : events) {
                for (Role role : e.recipients()) {
                    DeviceAddress device = e.twinning().addressOf(role);
                    if (device == null) {
                        continue;
                    }
                    for (Subscription s : byDevice.getOrDefault(device, List.of())) {
                        log.enqueue(new OutboxMessage(Ids.newId(), s.id(), new Target.Callback(s.notifyUrl()),
                                e.event().type().omaName(), renderer.render(e, s, role), s.device().value(),
                                e.eventId(), e.event().occurredAt()), now);
                        queued.increment();
                    }
                }
                for (OutboxMessage m : peers.messagesFor(e)) {
                    log.enqueue(m, now);
                    queued.increment();
                }
                for (OutboxMessage m : revocations.messagesFor(e)) {
                    log.enqueue(m, now);
                }
                ids.add(e.eventId());
            }
            if (!ids.isEmpty()) {
                log.markFannedOut(ids);
                log.announce(ids); // to the event-stream watchers of every instance, on commit
            }
            return events.size();
        });
        return locked == BATCH;
    }

    @Override
    public void housekeeping(Instant now) {
        int purged = tx.inTransaction(log -> log.purgeExpiredSubscriptions(now));
        if (purged > 0) {
            LOG.info("{} expired subscriptions removed", purged);
        }
    }
}
