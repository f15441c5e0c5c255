package org.omatwin.core.dm;

import org.omatwin.core.dm.policy.ClientPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.CARE;
import static org.omatwin.core.dm.DmFixture.OTHER_CLIENT;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.refusal;
import static org.omatwin.core.dm.DmFixture.reportAll;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.dmwsi.Accepted;
import org.omatwin.core.dm.operation.CommandSpec;
import org.omatwin.core.dm.operation.ConfigValue;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.StateChange;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.SessionResult;
import org.omatwin.core.infra.error.ApiError;

/** Section 4: operations, their commands, timeouts, cancel and clientCorrelator. */
class OperationTest {
    private final DmFixture dm = new DmFixture();

    private PackageView next() {
        return dm.sessions.next(WATCH, null).orElseThrow();
    }

    @Test
    void retrieveWithoutUrisReadsTheDeviceProfileAndItsResultsAreTheReportedValues() {
        Operation op = dm.accept(OperationRequest.of(OperationType.RETRIEVE, null, WATCH));
        dm.clock.advance(Duration.ofSeconds(10));
        PackageView view = next();
        assertThat(view.commands()).extracting(Command::op).containsOnly(CommandOp.GET);
        assertThat(view.commands()).extracting(Command::uri)
                .containsExactly("./DevInfo", "./DevDetail", "./SCOMO/Inventory");
        dm.clock.advance(Duration.ofSeconds(10));
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));

        Operation done = dm.operation(op.operationId());
        assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.results()).extracting(ResultItem::value)
                .containsExactly("v:./DevInfo", "v:./DevDetail", "v:./SCOMO/Inventory");
        assertThat(done.timeline()).containsExactly(
                new StateChange(OperationState.QUEUED, DmFixture.T0),
                new StateChange(OperationState.DELIVERED, DmFixture.T0.plusSeconds(10)),
                new StateChange(OperationState.SUCCEEDED, DmFixture.T0.plusSeconds(20)));
    }

    @Test
    void aQueuedOperationPastItsTimeoutEndsTimedOutAndItsPendingSessionExpires() {
        Operation op = dm.accept(OperationRequest.of(OperationType.RETRIEVE, null, WATCH).withTimeoutSeconds(60));
        dm.clock.advance(Duration.ofSeconds(59));
        assertThat(dm.operations.expireOperations(dm.clock.instant())).isZero();
        dm.clock.advance(Duration.ofSeconds(1));
        assertThat(dm.operations.expireOperations(dm.clock.instant())).isEqualTo(1);

        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.TIMED_OUT);
        assertThat(dm.sessions.pending(WATCH)).isEmpty();
        assertThat(dm.sessions.completed(WATCH, 0, 10)).singleElement()
                .satisfies(s -> assertThat(s.result()).isEqualTo(SessionResult.EXPIRED));
        assertThat(dm.sessions.next(WATCH, null)).isEmpty();
    }

    @Test
    void theDefaultTimeoutIsOneDayAndALaterReportIsRecordedButChangesNothing() {
        Operation op = dm.retrieve("./A");
        assertThat(op.deadline()).isEqualTo(DmFixture.T0.plusSeconds(86_400));
        PackageView view = next();
        dm.clock.advance(Duration.ofDays(1));
        dm.operations.expireOperations(dm.clock.instant());
        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.TIMED_OUT);

        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        Operation after = dm.operation(op.operationId());
        assertThat(after.state()).isEqualTo(OperationState.TIMED_OUT);
        assertThat(after.results()).isEmpty();
        assertThat(dm.store.findCommand(view.commands().get(0).commandId()).orElseThrow().isReported())
                .as("the report is recorded").isTrue();
    }

    @Test
    void cancelWhileQueuedCancelsAndDropsThePendingSession() {
        Operation op = dm.retrieve("./A");
        Operation cancelled = dm.operations.cancel(CARE, op.operationId());
        assertThat(cancelled.state()).isEqualTo(OperationState.CANCELLED);
        assertThat(dm.sessions.pending(WATCH)).isEmpty();
        assertThat(dm.sessions.next(WATCH, null)).isEmpty();
        assertThat(dm.operations.cancel(CARE, op.operationId()).state()).as("again: harmless")
                .isEqualTo(OperationState.CANCELLED);
    }

    @Test
    void cancelAfterDeliveryIs409() {
        Operation op = dm.retrieve("./A");
        next();
        assertThat(refusal(() -> dm.operations.cancel(CARE, op.operationId())).error()).isEqualTo(ApiError.CONFLICT);
        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.DELIVERED);
    }

    @Test
    void theSameClientCorrelatorWithTheSameBodyAnswersTheExistingOperation() {
        OperationRequest request = OperationRequest.of(OperationType.RETRIEVE, OperationArguments.uris(
                List.of("./A")), WATCH).withClientCorrelator("req-1");
        Accepted first = dm.operations.accept(CARE, request, ClientPolicy.unrestricted("care-desk"));
        Accepted again = dm.operations.accept(CARE, request, ClientPolicy.unrestricted("care-desk"));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.operation().operationId()).isEqualTo(first.operation().operationId());
        assertThat(dm.operations.list(CARE, 0, 10)).hasSize(1);
        assertThat(dm.operations.accept(OTHER_CLIENT, request, ClientPolicy.unrestricted("someone-else")).created()).as("unique per requester").isTrue();
    }

    @Test
    void theSameClientCorrelatorWithAnotherBodyIs409() {
        dm.operations.accept(CARE, OperationRequest.of(OperationType.RETRIEVE,
                OperationArguments.uris(List.of("./A")), WATCH).withClientCorrelator("req-1"), ClientPolicy.unrestricted("care-desk"));
        var e = refusal(() -> dm.operations.accept(CARE, OperationRequest.of(OperationType.RETRIEVE,
                OperationArguments.uris(List.of("./B")), WATCH).withClientCorrelator("req-1"), ClientPolicy.unrestricted("care-desk")));
        assertThat(e.error()).isEqualTo(ApiError.CONFLICT);
    }

    @Test
    void aConfigureValueIsKeptWithItsOperationOnlyAsADigestAndARetryStillMatches() {
        OperationRequest request = OperationRequest.of(OperationType.CONFIGURE, OperationArguments.values(List.of(
                new ConfigValue("./Wifi/1/Key", "s3cret", "chr"))), WATCH).withClientCorrelator("cfg-1");
        Accepted first = dm.operations.accept(CARE, request, ClientPolicy.unrestricted("care-desk"));
        ConfigValue kept = dm.operations.get(CARE, first.operation().operationId()).request().arguments().values()
                .get(0);
        assertThat(kept.value()).startsWith("sha256:").doesNotContain("s3cret");
        assertThat(kept.uri()).isEqualTo("./Wifi/1/Key");
        assertThat(dm.operations.accept(CARE, request, ClientPolicy.unrestricted("care-desk")).created()).as("the same body").isFalse();
        var e = refusal(() -> dm.operations.accept(CARE, OperationRequest.of(OperationType.CONFIGURE,
                OperationArguments.values(List.of(new ConfigValue("./Wifi/1/Key", "other", "chr"))), WATCH)
                .withClientCorrelator("cfg-1"), ClientPolicy.unrestricted("care-desk")));
        assertThat(e.error()).as("another value is another body").isEqualTo(ApiError.CONFLICT);
    }

    @Test
    void anotherClientsOperationIsUnknown() {
        Operation op = dm.retrieve("./A");
        assertThat(refusal(() -> dm.operations.get(OTHER_CLIENT, op.operationId())).error())
                .isEqualTo(ApiError.NOT_FOUND);
        assertThat(refusal(() -> dm.operations.cancel(OTHER_CLIENT, op.operationId())).error())
                .isEqualTo(ApiError.NOT_FOUND);
    }

    @Test
    void configureBecomesHgetFromADataItemErasedWhenTheOperationEnds() {
        Operation op = dm.accept(OperationRequest.of(OperationType.CONFIGURE, OperationArguments.values(List.of(
                new ConfigValue("./Settings/APN/1/Name", "internet", "chr"))), WATCH));
        PackageView view = next();
        Command hget = view.commands().get(0);
        assertThat(hget.op()).isEqualTo(CommandOp.HGET);
        assertThat(hget.uri()).isEqualTo("./Settings/APN/1/Name");
        var item = dm.data.read(WATCH, hget.dataItemId());
        assertThat(new String(item.content(), StandardCharsets.UTF_8)).isEqualTo("internet");
        assertThat(item.toString()).doesNotContain("internet");

        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(refusal(() -> dm.data.read(WATCH, hget.dataItemId())).error()).isEqualTo(ApiError.NOT_FOUND);
    }

    @Test
    void typesBecomeTheirCommands() {
        dm.accept(OperationRequest.of(OperationType.INVENTORY, null, WATCH));
        dm.accept(OperationRequest.of(OperationType.DELETE, OperationArguments.uris(List.of("./Browser/Fav/3")), WATCH));
        dm.accept(OperationRequest.of(OperationType.SUBSCRIBE_NODE, OperationArguments.uri("./DevDetail/FwV", null),
                WATCH));
        dm.accept(OperationRequest.of(OperationType.UNSUBSCRIBE_NODE, OperationArguments.uri("./DevDetail/FwV", null),
                WATCH));
        dm.accept(OperationRequest.of(OperationType.DIAGNOSTICS_START, OperationArguments.diagnostics("./DiagMon/1",
                60), WATCH));
        dm.accept(OperationRequest.of(OperationType.SOFTWARE_REMOVE, new OperationArguments(null, null, null, null,
                null, "app7", null, null, null), WATCH));
        List<Command> commands = next().commands();
        assertThat(commands).extracting(Command::op).containsExactly(CommandOp.GET, CommandOp.GET, CommandOp.DELETE,
                CommandOp.SUB, CommandOp.UNSUB, CommandOp.EXEC, CommandOp.HPUT, CommandOp.EXEC);
        assertThat(commands.get(5).uri()).isEqualTo("./DiagMon/1/Operations/Start");
        assertThat(commands.get(5).dataItemId()).as("a standing upload item").isNotNull();
        assertThat(commands.get(6).uri()).as("the first report, uploaded at once").isEqualTo("./DiagMon/1");
        assertThat(commands.get(6).dataItemId()).isNotNull();
        assertThat(commands.get(7).uri()).isEqualTo("./SCOMO/Inventory/Deployed/app7/Operations/Remove");
        assertThat(commands.get(7).correlator()).isNotNull();
    }

    @Test
    void commandsMayNotCarryAUrl() {
        var e = refusal(() -> dm.accept(OperationRequest.of(OperationType.COMMANDS, OperationArguments.commands(
                List.of(new CommandSpec("GET", "./A", null, "https://evil.example/x"))), WATCH)));
        assertThat(e.error()).isEqualTo(ApiError.UNKNOWN_ELEMENT);
        assertThat(dm.sessions.pending(WATCH)).isEmpty();
    }

    @Test
    void packageBasedTypesWaitForThePackageStore() {
        var e = refusal(() -> dm.accept(OperationRequest.of(OperationType.FIRMWARE_UPDATE, new OperationArguments(
                null, null, "p-1", null, null, null, null, null, null), WATCH)));
        assertThat(e.error()).isEqualTo(ApiError.INVALID_INPUT);
    }

    @Test
    void anExecAnswered202IsCompletedByItsResultAlert() {
        Operation op = dm.accept(OperationRequest.of(OperationType.EXECUTE, OperationArguments.uri(
                "./FUMO/1/DownloadAndUpdate", null), WATCH));
        PackageView view = next();
        Command exec = view.commands().get(0);
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 202));
        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.DELIVERED);

        dm.alerts.receive(WATCH, new Alert("al-1", Alert.FUMO_DOWNLOAD_AND_UPDATE, "./FUMO/1", exec.correlator(), 200,
                null, null, null));
        Operation done = dm.operation(op.operationId());
        assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.resultCode()).isEqualTo(200);
        assertThat(done.resultText()).isEqualTo("Successful");
    }
}
