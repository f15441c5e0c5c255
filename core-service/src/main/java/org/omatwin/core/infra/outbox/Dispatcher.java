package org.omatwin.core.infra.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.omatwin.core.infra.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox (HLF-PD-007, HLF-SD-008 and every other outgoing message). One loop per core
 * instance: it lets each {@link Producer} turn committed events into messages, claims due messages
 * (only the oldest pending one per queue, so order is kept) and hands each to the {@link Sender} of
 * its target kind; a failed attempt is retried with backoff until that sender's horizon, then parked.
 * Woken right after a change commits; otherwise it polls, which also picks up the work of other
 * instances and of a process that died.
 */
public final class Dispatcher implements AutoCloseable {
    /** Turns committed events of one API family into outbox messages, in batches. */
    public interface Producer {
        /** Enqueues the messages of one batch of events; true when more may be waiting. */
        boolean produce(Instant now);

        /** Periodic upkeep of the producer's own data (expired subscriptions), every few seconds. */
        default void housekeeping(Instant now) {}
    }

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration HOUSEKEEPING = Duration.ofSeconds(10);

    private final Transactions<JooqOutbox> tx;
    private final NotifyPolicy policy;
    private final List<Producer> producers;
    private final Map<String, Sender> senders;
    private final Clock clock;
    private final ExecutorService completions = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "outbox-completion");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore wake = new Semaphore(0);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Integer> depth = new ConcurrentHashMap<>();
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private final Timer latency;
    private final MeterRegistry metrics;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean running = true;

    public Dispatcher(Transactions<JooqOutbox> tx, NotifyPolicy policy, List<Producer> producers, List<Sender> senders,
            MeterRegistry metrics, Clock clock) {
        this.tx = tx;
        this.policy = policy;
        this.producers = List.copyOf(producers);
        this.senders = senders.stream().collect(Collectors.toUnmodifiableMap(Sender::targetKind, Function.identity()));
        this.clock = clock;
        this.metrics = metrics;
        this.delivered = Counter.builder("twinning.notifications.delivered").description("acknowledged with 2xx")
                .register(metrics);
        this.retried = Counter.builder("twinning.notifications.retried").description("failed attempts to retry")
                .register(metrics);
        this.failed = Counter.builder("twinning.notifications.failed")
                .description("parked after the retry horizon").register(metrics);
        this.latency = Timer.builder("twinning.notifications.latency")
                .description("from the event's commit to the listener's 2xx")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(metrics);
        for (String state : List.of("PENDING", "PARKED")) {
            metrics.gauge("twinning.notifications.stored", List.of(Tag.of("state", state.toLowerCase(Locale.ROOT))),
                    depth, d -> d.getOrDefault(state, 0));
        }
        this.loop = new Thread(this::run, "outbox-dispatcher");
        this.loop.setDaemon(true);
    }

    public void start() {
        loop.start();
    }

    /** Called after a change commits: look for work now rather than at the next poll. */
    public void wake() {
        wake.release();
    }

    private void run() {
        Instant lastHousekeeping = Instant.EPOCH;
        while (running) {
            try {
                boolean more = false;
                for (Producer p : producers) {
                    more |= p.produce(clock.instant());
                }
                more |= deliverDue();
                Instant now = clock.instant();
                if (Duration.between(lastHousekeeping, now).compareTo(HOUSEKEEPING) >= 0) {
                    housekeeping(now);
                    lastHousekeeping = now;
                }
                if (!more) {
                    wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("outbox dispatch cycle failed; retrying", e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private boolean deliverDue() {
        int room = policy.maxInFlight() - inFlight.get();
        if (room <= 0) {
            return false;
        }
        List<Delivery> claimed = tx.inTransaction(outbox -> outbox.claimDue(room, clock.instant(), policy.lease()));
        claimed.forEach(this::send);
        return claimed.size() == room;
    }

    private void send(Delivery d) {
        inFlight.incrementAndGet();
        Sender sender = senders.get(d.target().kind());
        CompletableFuture<Sender.Outcome> sent;
        if (sender == null) {
            sent = CompletableFuture.completedFuture(new Sender.Outcome.Retry("no sender for " + d.target().kind()));
        } else {
            try {
                sent = sender.send(d);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
        }
        sent.whenCompleteAsync((outcome, error) -> complete(d, sender,
                error != null ? new Sender.Outcome.Retry(error.getClass().getSimpleName() + ": " + error.getMessage())
                        : outcome), completions);
    }

    private void complete(Delivery d, Sender sender, Sender.Outcome outcome) {
        try {
            Instant now = clock.instant();
            switch (outcome) {
                case Sender.Outcome.Delivered ok -> {
                    tx.inTransaction(outbox -> {
                        outbox.markDelivered(d.id());
                        return null;
                    });
                    delivered.increment();
                    outcome(d, "delivered");
                    latency.record(Duration.between(d.eventTime(), now));
                }
                case Sender.Outcome.Retry retry -> {
                    Instant next = now.plus(policy.backoff(d.attempts()));
                    Duration horizon = sender == null ? policy.retryHorizon() : sender.retryHorizon();
                    if (!next.isAfter(d.createdAt().plus(horizon))) {
                        tx.inTransaction(outbox -> {
                            outbox.scheduleRetry(d.id(), next, retry.reason());
                            return null;
                        });
                        retried.increment();
                        outcome(d, "retried");
                    } else {
                        park(d, now, retry.reason());
                    }
                }
                case Sender.Outcome.Rejected rejected -> park(d, now, rejected.reason());
            }
        } catch (RuntimeException e) {
            // The lease expires and the message is claimed again: nothing is lost.
            LOG.warn("could not record the outcome of outbox message {}", d.id(), e);
        } finally {
            inFlight.decrementAndGet();
            wake();
        }
    }

    private void park(Delivery d, Instant now, String why) {
        tx.inTransaction(outbox -> {
            outbox.park(d.id(), now, why);
            return null;
        });
        failed.increment();
        outcome(d, "parked");
        LOG.warn("outbox message {} of queue {} parked after {} attempts: {}", d.id(), d.queue(), d.attempts(), why);
    }

    /** Every outgoing message by what it says and how its attempt ended ({@code outbox_messages_total}). */
    private void outcome(Delivery d, String outcome) {
        String kind = d.kind() == null ? "unknown" : d.kind();
        outcomes.computeIfAbsent(kind + "|" + outcome, k -> Counter.builder("outbox.messages")
                .description("outgoing messages (notifications, partner calls, pushes) by kind and attempt outcome")
                .tag("kind", kind).tag("outcome", outcome).register(metrics)).increment();
    }

    private void housekeeping(Instant now) {
        for (Producer p : producers) {
            p.housekeeping(now);
        }
        Map<String, Integer> counts = tx.inTransaction(JooqOutbox::countsByState);
        depth.clear();
        depth.putAll(counts);
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
        try {
            completions.awaitTermination(policy.httpTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
