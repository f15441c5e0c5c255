package org.omatwin.dmclient;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where the device's bearer token comes from. {@link #token()} is asynchronous so that thousands of simulated
 * devices can share a few threads; {@link #get()} blocks. Implementations never log the token.
 */
public interface TokenSource extends Supplier<String> {

    /** A valid access token, refreshed when needed. */
    CompletableFuture<String> token();

    /** Forgets the current token, e.g. after the server answered 401; the next {@link #token()} fetches one. */
    default void invalidate() {
    }

    @Override
    default String get() {
        return token().join();
    }

    /** A token obtained elsewhere, used as it is. */
    static TokenSource fixed(String token) {
        Objects.requireNonNull(token, "token");
        CompletableFuture<String> done = CompletableFuture.completedFuture(token);
        return new TokenSource() {
            @Override
            public CompletableFuture<String> token() {
                return done;
            }

            @Override
            public String toString() {
                return "fixed token (redacted)";
            }
        };
    }

    /** Adapts a blocking supplier (called on each request; cache in it if fetching is costly). */
    static TokenSource of(Supplier<String> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return () -> CompletableFuture.supplyAsync(supplier);
    }
}
