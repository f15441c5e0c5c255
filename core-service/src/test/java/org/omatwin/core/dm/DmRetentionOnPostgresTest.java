package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.refusal;
import static org.omatwin.core.dm.DmFixture.reportAll;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.store.DmPostgres;
import org.omatwin.core.dm.store.JooqDmRetention;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.storage.Transactions;

/**
 * The retention of device-management history on PostgreSQL: ended operations (with their commands and
 * alerts), ended sessions and alerts of no operation go in batches once past the period; live ones, a kept
 * job's, a registered package's and those with an event still to fan out stay.
 */
@ExtendWith(OnPostgres.class)
class DmRetentionOnPostgresTest {
    private final DmFixture dm;
    private final Transactions<JooqDmRetention> retention;

    DmRetentionOnPostgresTest() {
        dm = new DmFixture();
        retention = DmPostgres.database().transactions(JooqDmRetention::new);
    }

    /** An EXEC of FUMO Update on {@code device} (timeout 60 s), delivered, accepted (202) and its result alerted. */
    private Operation updatedAndAlerted(org.omatwin.core.dm.device.DevId device, String alertId) {
        Operation op = dm.accept(OperationRequest.of(OperationType.EXECUTE,
                OperationArguments.uri("./FUMO/1/Update", null), device).withTimeoutSeconds(60));
        PackageView view = dm.sessions.next(device, null).orElseThrow();
        dm.sessions.report(device, view.sessionId(), reportAll(view, 202));
        dm.alerts.receive(device, new Alert(alertId, Alert.FUMO_UPDATE, "./FUMO/1",
                view.commands().get(0).correlator(), 200, null, null, null));
        return dm.operation(op.operationId());
    }

    private static int rows(String table) {
        return DmPostgres.database().dsl().fetchCount(DmPostgres.database().dsl().selectFrom(table));
    }

    private static void fannedOut() { // what the fan-out does with each event once its messages are in the outbox
        DmPostgres.database().dsl().execute("DELETE FROM dm_event");
    }

    private int purge(Instant before, int limit) {
        return retention.inTransaction(r -> r.purgeOperations(before, limit));
    }

    private int sessions(Instant before) {
        return retention.inTransaction(r -> r.purgeSessions(before, 10));
    }

    private int alerts(Instant before) {
        return retention.inTransaction(r -> r.purgeUnboundAlerts(before, 10));
    }

    @Test
    void endedOperationsGoWithTheirCommandsAndAlertsOnlyPastTheirDeadlineAndInBatches() {
        Operation watch = updatedAndAlerted(WATCH, "a-1");
        Operation phone = updatedAndAlerted(PHONE, "a-2");
        Operation live = dm.retrieve("./DevDetail/FwV"); // queued: never purged
        assertThat(watch.state()).isEqualTo(OperationState.SUCCEEDED);
        fannedOut();
        Instant deadline = DmFixture.T0.plusSeconds(60);

        assertThat(purge(deadline, 10)).as("not yet past the deadline").isZero();
        assertThat(purge(deadline.plusSeconds(1), 1)).isEqualTo(1);
        assertThat(purge(deadline.plusSeconds(1), 10)).isEqualTo(1);
        assertThat(purge(deadline.plusSeconds(1), 10)).isZero();

        assertThat(refusal(() -> dm.operation(watch.operationId())).error()).isEqualTo(ApiError.NOT_FOUND);
        assertThat(refusal(() -> dm.operation(phone.operationId())).error()).isEqualTo(ApiError.NOT_FOUND);
        assertThat(dm.operation(live.operationId()).state()).isEqualTo(OperationState.QUEUED);
        assertThat(rows("dm_alert")).isZero();
        assertThat(rows("dm_command")).as("the queued operation's command").isEqualTo(1);
    }

    @Test
    void anOperationWithAnEventStillToFanOutOrNamedByAKeptJobStays() {
        Operation evented = updatedAndAlerted(WATCH, "a-1"); // its events are not fanned out
        Operation ofJob = updatedAndAlerted(PHONE, "a-2");
        DmPostgres.database().dsl().execute("DELETE FROM dm_event WHERE dev_id = ?", PHONE.value());
        DmPostgres.database().dsl().execute("""
                INSERT INTO dm_job (id, client_id, request, state, push_each, created_at, start_at, due_at)
                VALUES ('j-1', 'care-desk', '{}', 'COMPLETED', false, now(), now(), now())""");
        DmPostgres.database().dsl().execute("""
                INSERT INTO dm_job_execution (job_id, seq, target, dev_id, state, operation_id)
                VALUES ('j-1', 1, ?, ?, 'SUCCEEDED', ?)""", PHONE.value(), PHONE.value(), ofJob.operationId());
        Instant later = DmFixture.T0.plus(Duration.ofDays(60));

        assertThat(purge(later, 10)).isZero();

        fannedOut();
        assertThat(purge(later, 10)).as("the fan-out done").isEqualTo(1);
        assertThat(refusal(() -> dm.operation(evented.operationId())).error()).isEqualTo(ApiError.NOT_FOUND);
        DmPostgres.database().dsl().execute("DELETE FROM dm_job WHERE id = 'j-1'"); // the job's own purge
        assertThat(purge(later, 10)).as("the job purged").isEqualTo(1);
        DmPostgres.database().dsl().execute("DELETE FROM dm_job");
    }

    @Test
    void anOperationThatInstalledAPackageStillRegisteredStaysForThePackagesInstallations() {
        Operation update = updatedAndAlerted(WATCH, "a-1");
        fannedOut();
        DmPostgres.database().dsl().execute("""
                INSERT INTO dm_signed_package (id, client_id, name, version, kind, target_from_versions, size, sha256,
                    signature, state, created_at, updated_at)
                VALUES ('pk-1', 'care-desk', 'W1 firmware', '2.0', 'FIRMWARE', '[]', 1, 'ab', 'sig', 'VERIFIED',
                    now(), now())""");
        DmPostgres.database().dsl().execute("UPDATE dm_command SET package_ref = 'pk-1' WHERE operation_id = ?",
                update.operationId());
        Instant later = DmFixture.T0.plus(Duration.ofDays(60));

        assertThat(purge(later, 10)).isZero();

        DmPostgres.database().dsl().execute("DELETE FROM dm_signed_package WHERE id = 'pk-1'");
        assertThat(purge(later, 10)).as("the package deleted").isEqualTo(1);
    }

    @Test
    void endedSessionsAndAlertsOfNoOperationGoPastThePeriod() {
        dm.retrieve("./DevDetail/FwV");
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        dm.clock.advance(Duration.ofSeconds(10));
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        dm.alerts.receive(WATCH, new Alert("g-1", "org.example.battery.low", "./X", null, 200, null, null, null));
        fannedOut();
        assertThat(dm.sessions.completed(WATCH, 0, 10)).hasSize(1);
        Instant ended = DmFixture.T0.plusSeconds(10);

        assertThat(sessions(ended)).isZero();
        assertThat(alerts(ended)).isZero();
        assertThat(sessions(ended.plusSeconds(1))).isEqualTo(1);
        assertThat(alerts(ended.plusSeconds(1))).isEqualTo(1);

        assertThat(dm.sessions.completed(WATCH, 0, 10)).isEmpty();
        assertThat(rows("dm_package")).isZero();
        assertThat(rows("dm_alert")).isZero();
    }
}
