package org.omatwin.core.dm.store;

import static org.omatwin.core.store.schema.Tables.DM_OPERATION;
import static org.omatwin.core.store.schema.Tables.DM_SESSION;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.session.SessionState;

/**
 * Gauges an operator's Prometheus scrapes, read from the database so that every core instance shows
 * the fleet's numbers: sessions pending and started ({@code dm_sessions}), operations not yet final by
 * type and state ({@code dm_operations_open}). Both counts read only partial indexes' rows.
 */
public final class DmStatistics {
    private final DSLContext db;
    private final MultiGauge sessions;
    private final MultiGauge operations;

    public DmStatistics(DSLContext db, MeterRegistry metrics) {
        this.db = db;
        this.sessions = MultiGauge.builder("dm.sessions").description("DM sessions by state (pending, started)")
                .register(metrics);
        this.operations = MultiGauge.builder("dm.operations.open")
                .description("DMWSI operations not yet final, by type and state").register(metrics);
    }

    /** Reads the counts again (every few seconds, from the sweeper). */
    public void refresh() {
        var bySession = db.select(DM_SESSION.STATE, DSL.count()).from(DM_SESSION)
                .where(DM_SESSION.STATE.in(SessionState.PENDING.name(), SessionState.STARTED.name()))
                .groupBy(DM_SESSION.STATE).fetchMap(r -> r.value1(), r -> r.value2());
        sessions.register(List.of(SessionState.PENDING, SessionState.STARTED).stream()
                .map(s -> MultiGauge.Row.of(Tags.of("state", s.name().toLowerCase(java.util.Locale.ROOT)),
                        bySession.getOrDefault(s.name(), 0)))
                .toList(), true);
        operations.register(db.select(DM_OPERATION.TYPE, DM_OPERATION.STATE, DSL.count()).from(DM_OPERATION)
                .where(DM_OPERATION.STATE.in(OperationState.QUEUED.name(), OperationState.DELIVERED.name()))
                .groupBy(DM_OPERATION.TYPE, DM_OPERATION.STATE)
                .fetch(r -> MultiGauge.Row.of(Tags.of("type", r.value1(), "state",
                        OperationState.valueOf(r.value2()).wire()), r.value3())), true);
    }
}
