package org.omatwin.core.dm.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.omatwin.core.infra.edge.ApiErrors;

/**
 * {@code GET /dmwsi/v1/operations/{id}?waitSeconds=N} (section 4, at most 30 s) without a thread per
 * waiting call: the RPC returns at once and the answer is sent later from a small scheduler. Between
 * checks nothing is held but a scheduled task; each check is one short read of the operation (the
 * store is the truth across instances, so no in-memory signal could replace it), first after 100 ms,
 * then backing off by half up to one second. The call ends at the first final state, at the deadline
 * with the operation as it then is, or silently when the caller went away.
 */
final class OperationWaits {
    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration LONGEST = Duration.ofSeconds(1);

    private final ScheduledExecutorService scheduler;

    OperationWaits(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    <T, R> void await(StreamObserver<R> out, Supplier<T> read, Predicate<T> done, Function<T, R> answer,
            Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        schedule(out, read, done, answer, deadline, FIRST);
    }

    private <T, R> void schedule(StreamObserver<R> out, Supplier<T> read, Predicate<T> done, Function<T, R> answer,
            long deadline, Duration delay) {
        long left = deadline - System.nanoTime();
        long nanos = Math.max(0, Math.min(delay.toNanos(), left));
        try {
            scheduler.schedule(() -> check(out, read, done, answer, deadline, delay), nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            out.onError(ApiErrors.toStatus(e)); // shutting down
        }
    }

    private <T, R> void check(StreamObserver<R> out, Supplier<T> read, Predicate<T> done, Function<T, R> answer,
            long deadline, Duration delay) {
        if (out instanceof ServerCallStreamObserver<R> call && call.isCancelled()) {
            return;
        }
        try {
            T current = read.get();
            if (done.test(current) || System.nanoTime() >= deadline) {
                out.onNext(answer.apply(current));
                out.onCompleted();
                return;
            }
        } catch (RuntimeException e) {
            out.onError(ApiErrors.toStatus(e));
            return;
        }
        Duration next = delay.plus(delay.dividedBy(2));
        schedule(out, read, done, answer, deadline, next.compareTo(LONGEST) > 0 ? LONGEST : next);
    }
}
