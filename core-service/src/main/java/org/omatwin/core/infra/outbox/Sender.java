package org.omatwin.core.infra.outbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Delivers the messages of one {@link Target} kind. */
public interface Sender {
    /** What became of one attempt. */
    sealed interface Outcome {
        /** The recipient acknowledged it (or has nothing left to apply it to). */
        record Delivered() implements Outcome {}

        /** Not now (unreachable, timeout, a non-2xx answer): retried with backoff until the horizon. */
        record Retry(String reason) implements Outcome {}

        /** Refused for good: retrying cannot help; parked at once. */
        record Rejected(String reason) implements Outcome {}

        Outcome DELIVERED = new Delivered();
    }

    String targetKind();

    /** Never completes exceptionally: failures are {@link Outcome.Retry} or {@link Outcome.Rejected}. */
    CompletableFuture<Outcome> send(Delivery delivery);

    /** How long a message is retried before it is parked. */
    Duration retryHorizon();
}
