package org.omatwin.core.twinning.support;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.omatwin.core.infra.storage.Transactions;

/**
 * {@link Transactions} over an in-memory store: one use case at a time (a global lock stands in for
 * the database's row locks, so the stores' "for update" reads need no locking of their own), and a
 * use case that throws leaves the store exactly as it found it, like a database rollback. Before each
 * transaction the store's state is copied (copy-on-write: the maps hold immutable records); on an
 * exception the copy is put back.
 */
public final class InMemoryTransactions<S> implements Transactions<S> {
    private final S store;
    private final Supplier<Runnable> snapshot;
    private final ReentrantLock lock = new ReentrantLock();
    private int commits;
    private int rollbacks;

    /**
     * @param snapshot copies the store's state and returns the action that restores that copy
     */
    public InMemoryTransactions(S store, Supplier<Runnable> snapshot) {
        this.store = store;
        this.snapshot = snapshot;
    }

    @Override
    public <T> T inTransaction(Function<S, T> work) {
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                // A database would open a second, independent transaction here; these stores cannot.
                throw new IllegalStateException("nested transaction on the same in-memory store");
            }
            Runnable restore = snapshot.get();
            try {
                T result = work.apply(store);
                commits++;
                return result;
            } catch (RuntimeException | Error e) {
                restore.run();
                rollbacks++;
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread is inside a transaction (the stores refuse to be used outside one). */
    public boolean isActive() {
        return lock.isHeldByCurrentThread();
    }

    public int commits() {
        lock.lock();
        try {
            return commits;
        } finally {
            lock.unlock();
        }
    }

    public int rollbacks() {
        lock.lock();
        try {
            return rollbacks;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code read} with no transaction running (test inspection of the committed state). */
    <T> T outside(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    void requireActive() {
        if (!isActive()) {
            throw new IllegalStateException("store used outside a transaction");
        }
    }
}
