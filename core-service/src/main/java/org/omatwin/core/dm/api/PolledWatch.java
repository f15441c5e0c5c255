package org.omatwin.core.dm.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A server-streaming watch of something that is read again every {@code millis} (a job, an operation):
 * the first answer at once, then each answer that differs from the last one sent, until it is final
 * (then the stream completes) or the caller cancels. A watch holds no thread between reads.
 */
final class PolledWatch {
    private PolledWatch() {}

    /**
     * @param first the current answer, read on the caller's thread (so a refusal is the call's error)
     * @param lost the description of UNAVAILABLE when a later read fails ("watch again")
     */
    static <T> void start(StreamObserver<T> out, ScheduledExecutorService watches, long millis, T first,
            Supplier<T> read, Predicate<T> isFinal, String lost) {
        out.onNext(first);
        if (isFinal.test(first)) {
            out.onCompleted();
            return;
        }
        ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) out;
        AtomicReference<T> last = new AtomicReference<>(first);
        AtomicReference<ScheduledFuture<?>> poll = new AtomicReference<>();
        call.setOnCancelHandler(() -> {
            ScheduledFuture<?> f = poll.get();
            if (f != null) {
                f.cancel(false);
            }
        });
        poll.set(watches.scheduleWithFixedDelay(() -> {
            try {
                if (call.isCancelled()) {
                    poll.get().cancel(false);
                    return;
                }
                T now = read.get();
                if (!now.equals(last.get())) {
                    last.set(now);
                    call.onNext(now);
                }
                if (isFinal.test(now)) {
                    poll.get().cancel(false);
                    call.onCompleted();
                }
            } catch (RuntimeException e) {
                poll.get().cancel(false);
                call.onError(Status.UNAVAILABLE.withDescription(lost).asRuntimeException());
            }
        }, millis, millis, TimeUnit.MILLISECONDS));
    }
}
