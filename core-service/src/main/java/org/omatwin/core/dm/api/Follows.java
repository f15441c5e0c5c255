package org.omatwin.core.dm.api;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.omatwin.core.infra.edge.ApiErrors;

/**
 * A server-streaming call following a resource (WatchJob, WatchBatch, ConductOperation): a step every
 * period on a shared scheduler, in the call's context (its client and policy), without a thread held
 * between steps, until the step says it is done (the stream then completes), the caller goes away, or a
 * step fails (the stream then ends with the failure's status). {@link #watch} is the common case: one
 * value sent each time it changes.
 */
final class Follows {
    private final ScheduledExecutorService scheduler;
    private final long periodMillis;

    Follows(ScheduledExecutorService scheduler, long periodMillis) {
        this.scheduler = scheduler;
        this.periodMillis = periodMillis;
    }

    /** @param step sends what is new on {@code out}; true when nothing more will come */
    void follow(StreamObserver<?> out, BooleanSupplier step) {
        ServerCallStreamObserver<?> call = (ServerCallStreamObserver<?>) out;
        AtomicReference<ScheduledFuture<?>> poll = new AtomicReference<>();
        Runnable tick = Context.current().wrap(() -> {
            if (call.isCancelled()) {
                poll.get().cancel(false);
                return;
            }
            try {
                if (step.getAsBoolean()) {
                    poll.get().cancel(false);
                    call.onCompleted();
                }
            } catch (RuntimeException e) {
                poll.get().cancel(false);
                call.onError(ApiErrors.toStatus(e));
            }
        });
        call.setOnCancelHandler(() -> {
            ScheduledFuture<?> f = poll.get();
            if (f != null) {
                f.cancel(false);
            }
        });
        // the first tick waits until the future is known (it cancels itself through it)
        synchronized (poll) {
            poll.set(scheduler.scheduleWithFixedDelay(() -> {
                synchronized (poll) {
                    tick.run();
                }
            }, periodMillis, periodMillis, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * A value read again every period: {@code first} (read on the caller's thread, so that a refusal is the
     * call's error) at once, then each read that differs from the last one sent, until one is final.
     */
    <T> void watch(StreamObserver<T> out, T first, Supplier<T> read, Predicate<T> isFinal) {
        out.onNext(first);
        if (isFinal.test(first)) {
            out.onCompleted();
            return;
        }
        AtomicReference<T> last = new AtomicReference<>(first);
        follow(out, () -> {
            T now = read.get();
            if (!now.equals(last.get())) {
                last.set(now);
                out.onNext(now);
            }
            return isFinal.test(now);
        });
    }
}
