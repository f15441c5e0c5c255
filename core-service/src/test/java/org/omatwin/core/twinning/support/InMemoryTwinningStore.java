package org.omatwin.core.twinning.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.TwinningEvent;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.core.twinning.TwinningStore;
import org.omatwin.core.twinning.activation.AttemptWindow;

/**
 * A working in-memory {@link TwinningStore} that behaves like {@code JooqTwinningStore}: the same
 * lookups and orderings, the same unique indexes (one live relationship per secondary, one pending
 * relationship per code hash, names unique per primary among On/Off relationships; a violation is the
 * SVC2007 that {@code JooqTransactions} reports for a unique-constraint race), the same optimistic
 * version check on update. Locks are no-ops: {@link InMemoryTransactions} runs one use case at a time.
 * Every method must be called inside a transaction of {@link #transactions()}.
 */
public final class InMemoryTwinningStore implements TwinningStore {

    /**
     * A stored row. Like the database, a released code keeps its expiry: {@code releaseExpiredCode}
     * clears only the hash, which {@code countPendingCodesFor} does not look at.
     */
    private record Row(Twinning twinning, Instant codeExpiresAt) {
        static Row of(Twinning t) {
            return new Row(t, t.code() == null ? null : t.code().expiresAt());
        }
    }

    private static final class State {
        final Map<String, Row> rows = new LinkedHashMap<>();
        final List<TwinningEvent> events = new ArrayList<>();
        final Map<DeviceAddress, AttemptWindow> attempts = new LinkedHashMap<>();
        final Set<DeviceAddress> devices = new LinkedHashSet<>();
        final Set<String> claimedUndos = new HashSet<>();

        State copy() {
            State c = new State();
            c.rows.putAll(rows);
            c.events.addAll(events);
            c.attempts.putAll(attempts);
            c.devices.addAll(devices);
            c.claimedUndos.addAll(claimedUndos);
            return c;
        }
    }

    /** Everything the store holds, comparable with equals (to check that a refusal changed nothing). */
    public record Contents(Map<String, Twinning> twinnings, List<TwinningEvent> events,
            Map<DeviceAddress, AttemptWindow> attempts, Set<DeviceAddress> devices) {}

    private State state = new State();
    private final InMemoryTransactions<TwinningStore> tx = new InMemoryTransactions<>(this, () -> {
        State before = state.copy();
        return () -> state = before;
    });

    /** One transaction at a time over this store, rolled back on an exception. */
    public InMemoryTransactions<TwinningStore> transactions() {
        return tx;
    }

    // --- test inspection (committed state) ---

    public Contents contents() {
        return tx.outside(() -> {
            Map<String, Twinning> t = new LinkedHashMap<>();
            state.rows.forEach((id, row) -> t.put(id, row.twinning()));
            return new Contents(Map.copyOf(t), List.copyOf(state.events), Map.copyOf(state.attempts),
                    Set.copyOf(state.devices));
        });
    }

    public Optional<Twinning> twinning(String id) {
        return tx.outside(() -> Optional.ofNullable(state.rows.get(id)).map(Row::twinning));
    }

    public List<Twinning> twinnings() {
        return tx.outside(() -> state.rows.values().stream().map(Row::twinning).toList());
    }

    public List<TwinningEvent> events() {
        return tx.outside(() -> List.copyOf(state.events));
    }

    public Optional<AttemptWindow> attemptsOf(DeviceAddress device) {
        return tx.outside(() -> Optional.ofNullable(state.attempts.get(device)));
    }

    /** Marks the undo of a partner activation as already being delivered (withdrawPeerUndo then fails). */
    public void undoClaimed(Mno partner, String requestId) {
        tx.outside(() -> state.claimedUndos.add(undoKey(partner, requestId)));
    }

    // --- TwinningStore ---

    @Override
    public void lockDevice(DeviceAddress device, Instant now) {
        tx.requireActive();
        Objects.requireNonNull(now);
        state.devices.add(device);
    }

    @Override
    public Optional<Twinning> findById(String id) {
        tx.requireActive();
        return Optional.ofNullable(state.rows.get(id)).map(Row::twinning);
    }

    @Override
    public Optional<Twinning> findByIdForUpdate(String id) {
        return findById(id);
    }

    @Override
    public Optional<Twinning> findLiveBySecondary(DeviceAddress secondary) {
        return one(t -> t.secondary().equals(secondary) && t.status() != TwinningStatus.DEACTIVATED);
    }

    @Override
    public List<Twinning> findVisibleTo(DeviceAddress device) {
        tx.requireActive();
        List<Twinning> asSecondary = select(t -> t.secondary().equals(device)
                && t.status() != TwinningStatus.DEACTIVATED);
        List<Twinning> asPrimary = select(t -> device.equals(t.primary()) && t.status().isActive()).stream()
                .filter(t -> !t.secondary().equals(device))
                .sorted(BY_ACTIVATION)
                .toList();
        List<Twinning> all = new ArrayList<>(asSecondary.stream().sorted(BY_ACTIVATION).toList());
        all.addAll(asPrimary);
        return all;
    }

    @Override
    public List<Twinning> findActiveByPrimary(DeviceAddress primary) {
        return select(t -> primary.equals(t.primary()) && t.status().isActive()).stream()
                .sorted(BY_ACTIVATION)
                .toList();
    }

    @Override
    public boolean isActivePrimary(DeviceAddress device) {
        return !select(t -> device.equals(t.primary()) && t.status().isActive()).isEmpty();
    }

    @Override
    public Optional<Twinning> findPendingByCodeHashForUpdate(String codeHash) {
        if (codeHash == null) {
            tx.requireActive();
            return Optional.empty();
        }
        return one(t -> t.code() != null && codeHash.equals(t.code().hash())
                && t.status() == TwinningStatus.PENDING);
    }

    @Override
    public void releaseExpiredCode(String codeHash, Instant now) {
        tx.requireActive();
        for (Map.Entry<String, Row> e : state.rows.entrySet()) {
            Row row = e.getValue();
            Twinning t = row.twinning();
            if (t.code() != null && t.code().hash().equals(codeHash) && !row.codeExpiresAt().isAfter(now)) {
                // the version is not bumped: a plain UPDATE, not the optimistic one
                e.setValue(new Row(withoutCode(t), row.codeExpiresAt()));
            }
        }
    }

    @Override
    public boolean isCodeHashInUse(String codeHash) {
        return !select(t -> t.code() != null && t.code().hash().equals(codeHash)).isEmpty();
    }

    @Override
    public Optional<Twinning> findActiveByPrimaryCorrelator(DeviceAddress primary, String correlator) {
        return one(t -> primary.equals(t.primary()) && Objects.equals(correlator, t.primaryCorrelator())
                && correlator != null && t.status().isActive());
    }

    @Override
    public Optional<Twinning> findLiveByActivationForUpdate(DeviceAddress primary, String activationRequestId) {
        return one(t -> primary.equals(t.primary()) && activationRequestId != null
                && activationRequestId.equals(t.peer().activationRequestId())
                && t.status() != TwinningStatus.DEACTIVATED);
    }

    @Override
    public boolean withdrawPeerUndo(Mno partner, String requestId) {
        tx.requireActive();
        // Nothing queued (Peers fakes queue nothing) or unclaimed: withdrawn. Claimed: on its way.
        return !state.claimedUndos.contains(undoKey(partner, requestId));
    }

    @Override
    public int countPendingCodesFor(Mno partner, Instant now) {
        tx.requireActive();
        return (int) state.rows.values().stream()
                .filter(r -> r.twinning().status() == TwinningStatus.PENDING)
                .filter(r -> partner.equals(r.twinning().secondaryMno()))
                .filter(r -> r.codeExpiresAt() != null && r.codeExpiresAt().isAfter(now))
                .count();
    }

    @Override
    public void insert(Twinning twinning) {
        tx.requireActive();
        if (state.rows.containsKey(twinning.id())) {
            throw conflict("a twinning with id " + twinning.id() + " exists");
        }
        checkUnique(twinning);
        state.rows.put(twinning.id(), Row.of(twinning));
    }

    @Override
    public Twinning update(Twinning twinning) {
        tx.requireActive();
        Row stored = state.rows.get(twinning.id());
        if (stored == null || stored.twinning().version() != twinning.version()) {
            throw ApiException.of(ApiError.CONFLICT, "the twinning was changed by another request", twinning.id());
        }
        Twinning next = withVersion(twinning, twinning.version() + 1);
        checkUnique(next);
        state.rows.put(next.id(), Row.of(next));
        return next;
    }

    @Override
    public void appendEvent(TwinningEvent event) {
        tx.requireActive();
        Objects.requireNonNull(event.twinningId());
        Objects.requireNonNull(event.type());
        Objects.requireNonNull(event.actorRole());
        Objects.requireNonNull(event.actor());
        Objects.requireNonNull(event.status());
        Objects.requireNonNull(event.occurredAt());
        if (!state.rows.containsKey(event.twinningId())) {
            throw new IllegalStateException("event for an unknown twinning " + event.twinningId()); // foreign key
        }
        state.events.add(event);
    }

    @Override
    public Optional<AttemptWindow> attempts(DeviceAddress device) {
        tx.requireActive();
        return Optional.ofNullable(state.attempts.get(device));
    }

    @Override
    public void saveAttempts(DeviceAddress device, AttemptWindow window) {
        tx.requireActive();
        state.attempts.put(device, Objects.requireNonNull(window));
    }

    // --- the unique indexes of V1__twinning.sql ---

    private void checkUnique(Twinning t) {
        for (Row row : state.rows.values()) {
            Twinning other = row.twinning();
            if (other.id().equals(t.id())) {
                continue;
            }
            if (t.status() != TwinningStatus.DEACTIVATED && other.status() != TwinningStatus.DEACTIVATED
                    && t.secondary().equals(other.secondary())) {
                throw conflict("twinning_one_live_per_secondary");
            }
            if (t.code() != null && other.code() != null && t.code().hash().equals(other.code().hash())) {
                throw conflict("twinning_code_hash");
            }
            if (t.status().isActive() && other.status().isActive() && t.primary() != null && t.name() != null
                    && t.primary().equals(other.primary()) && t.name().equals(other.name())) {
                throw conflict("twinning_name_per_primary");
            }
        }
    }

    /** What JooqTransactions makes of a unique violation (SQLSTATE 23505). */
    private static ApiException conflict(String index) {
        return ApiException.of(ApiError.CONFLICT, "a concurrent request changed the same data, retry (" + index + ")",
                "twinning");
    }

    private static final Comparator<Twinning> BY_ACTIVATION = Comparator
            .comparing(Twinning::activatedAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Twinning::id);

    private List<Twinning> select(Predicate<Twinning> where) {
        tx.requireActive();
        return state.rows.values().stream().map(Row::twinning).filter(where).toList();
    }

    /** Like jOOQ's fetchOptional: more than one row is a bug (TooManyRowsException). */
    private Optional<Twinning> one(Predicate<Twinning> where) {
        List<Twinning> found = select(where);
        if (found.size() > 1) {
            throw new IllegalStateException("more than one row: " + found);
        }
        return found.stream().findFirst();
    }

    private static String undoKey(Mno partner, String requestId) {
        return partner.id() + "/" + requestId;
    }

    private static Twinning withoutCode(Twinning t) {
        return new Twinning(t.id(), t.secondary(), t.primary(), t.status(), t.name(), null, t.secondaryCorrelator(),
                t.primaryCorrelator(), t.secondaryMno(), t.primaryMno(), t.primaryVoiceMailAddress(), t.authCode(),
                t.createdAt(), t.activatedAt(), t.statusChangedAt(), t.deactivatedAt(), t.version(), t.peer());
    }

    private static Twinning withVersion(Twinning t, int version) {
        return new Twinning(t.id(), t.secondary(), t.primary(), t.status(), t.name(), t.code(),
                t.secondaryCorrelator(), t.primaryCorrelator(), t.secondaryMno(), t.primaryMno(),
                t.primaryVoiceMailAddress(), t.authCode(), t.createdAt(), t.activatedAt(), t.statusChangedAt(),
                t.deactivatedAt(), version, t.peer());
    }
}
