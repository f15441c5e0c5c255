package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.refusal;
import static org.omatwin.core.dm.DmFixture.reportAll;
import static org.omatwin.core.dm.DmFixture.status;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.alert.AlertPolicy;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.Session;
import org.omatwin.core.dm.session.SessionPolicy;
import org.omatwin.core.dm.session.SessionReport;
import org.omatwin.core.dm.session.SessionResult;
import org.omatwin.core.dm.session.SessionStart;
import org.omatwin.core.infra.error.ApiError;

/** dm-api.md 2.1, one test per rule. */
class SessionRulesTest {
    private final DmFixture dm = new DmFixture();

    private static DmFixture withPackagesOf(int commands) {
        return new DmFixture(new SessionPolicy(commands, Duration.ofSeconds(300)), AlertPolicy.DEFAULT);
    }

    private PackageView next(DmFixture f) {
        return f.sessions.next(WATCH, null).orElseThrow();
    }

    @Test
    void atMostOnePendingAndOneStartedSessionAndWorkAcceptedWhileStartedWaitsForTheNext() {
        dm.retrieve("./A");
        dm.retrieve("./B");
        assertThat(dm.sessions.pending(WATCH)).hasSize(1);
        assertThat(dm.woken).as("the device is woken once for its one pending session").hasSize(1);
        String pendingId = dm.sessions.pending(WATCH).get(0).sessionId();

        PackageView first = next(dm);
        assertThat(first.sessionId()).isEqualTo(pendingId);
        assertThat(first.commands()).extracting(Command::uri).containsExactly("./A", "./B");
        assertThat(dm.sessions.pending(WATCH)).isEmpty();

        Operation late = dm.retrieve("./C");
        assertThat(dm.sessions.pending(WATCH)).hasSize(1);
        assertThat(dm.woken).hasSize(2);
        assertThat(dm.operation(late.operationId()).state()).isEqualTo(OperationState.QUEUED);
        assertThat(next(dm)).as("still the started session's package").isEqualTo(first);

        assertThat(dm.sessions.report(WATCH, first.sessionId(), reportAll(first, 200))).isEmpty();
        PackageView second = next(dm);
        assertThat(second.commands()).extracting(Command::uri).containsExactly("./C");
    }

    @Test
    void startingBindsInAcceptanceOrderWithEachOperationsCommandsTogether() {
        Operation a = dm.retrieve("./A/1", "./A/2");
        Operation b = dm.retrieve("./B/1");
        PackageView view = next(dm);
        assertThat(view.commands()).extracting(Command::operationId)
                .containsExactly(a.operationId(), a.operationId(), b.operationId());
        assertThat(view.commands()).extracting(Command::uri).containsExactly("./A/1", "./A/2", "./B/1");
        assertThat(view.commands()).extracting(Command::cmdId).containsExactly("1", "2", "3");
        assertThat(view.endCmdId()).isEqualTo("4");
        assertThat(dm.operation(a.operationId()).state()).isEqualTo(OperationState.DELIVERED);
    }

    @Test
    void operationsOfAnotherUiModeOrCustomerCareGoToSeparateSessions() {
        Operation background = dm.retrieve("./A");
        Operation informative = dm.retrieve(WATCH, new SessionMode(UiMode.INFORMATIVE, false), "./B");
        Operation care = dm.retrieve(WATCH, new SessionMode(UiMode.BACKGROUND, true), "./C");
        Operation background2 = dm.retrieve("./D");

        PackageView first = next(dm);
        assertThat(first.commands()).extracting(Command::operationId)
                .containsExactly(background.operationId(), background2.operationId());
        List<Session> pending = dm.sessions.pending(WATCH);
        assertThat(pending).singleElement().extracting(Session::mode)
                .isEqualTo(new SessionMode(UiMode.INFORMATIVE, false));

        dm.sessions.report(WATCH, first.sessionId(), reportAll(first, 200));
        PackageView second = next(dm);
        assertThat(second.mode().uiMode()).isEqualTo(UiMode.INFORMATIVE);
        assertThat(second.commands()).extracting(Command::operationId).containsExactly(informative.operationId());
        dm.sessions.report(WATCH, second.sessionId(), reportAll(second, 200));
        PackageView third = next(dm);
        assertThat(third.mode().customerCare()).isTrue();
        assertThat(third.commands()).extracting(Command::operationId).containsExactly(care.operationId());
    }

    @Test
    void aSessionWithMoreCommandsThanAPackageHoldsIsDeliveredInSeveralPackages() {
        DmFixture f = withPackagesOf(2);
        Operation op = f.retrieve("./1", "./2", "./3", "./4", "./5");
        PackageView p1 = next(f);
        assertThat(p1.commands()).hasSize(2);
        assertThat(p1.endsSession()).isFalse();
        assertThat(p1.sessionId()).isEqualTo(p1.firstSessionId());

        PackageView p2 = f.sessions.report(WATCH, p1.sessionId(), reportAll(p1, 200)).orElseThrow();
        PackageView p3 = f.sessions.report(WATCH, p2.sessionId(), reportAll(p2, 200)).orElseThrow();
        assertThat(List.of(p1.sessionId(), p2.sessionId(), p3.sessionId())).doesNotHaveDuplicates();
        assertThat(p2.firstSessionId()).isEqualTo(p1.sessionId());
        assertThat(p3.commands()).extracting(Command::uri).containsExactly("./5");
        assertThat(p3.endsSession()).isTrue();
        assertThat(p3.endCmdId()).isEqualTo("2");
        assertThat(f.operation(op.operationId()).state()).as("not every command reported yet")
                .isEqualTo(OperationState.DELIVERED);

        assertThat(f.sessions.report(WATCH, p3.sessionId(), reportAll(p3, 200))).as("204: session ended").isEmpty();
        assertThat(f.sessions.completed(WATCH, 0, 10)).singleElement().satisfies(s -> {
            assertThat(s.sessionId()).as("listed under its first package's id").isEqualTo(p1.sessionId());
            assertThat(s.result()).isEqualTo(SessionResult.OK);
        });
        assertThat(f.operation(op.operationId()).state()).isEqualTo(OperationState.SUCCEEDED);
    }

    @Test
    void aStatusForACmdIdNotInThePackageIs409AndRecordsNothing() {
        dm.retrieve("./A");
        PackageView view = next(dm);
        var e = refusal(() -> dm.sessions.report(WATCH, view.sessionId(), new SessionReport(List.of(
                new CommandStatus("1", 200, List.of()), new CommandStatus("9", 200, List.of())))));
        assertThat(e.error()).isEqualTo(ApiError.CONFLICT);
        assertThat(dm.store.findPackage(view.sessionId()).orElseThrow().isReported()).isFalse();
        assertThat(dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200))).isEmpty();
    }

    @Test
    void aCommandWithoutAStatusIs400Svc2006AndRecordsNothing() {
        dm.retrieve("./A", "./B");
        PackageView view = next(dm);
        var e = refusal(() -> dm.sessions.report(WATCH, view.sessionId(),
                new SessionReport(List.of(status(view.commands().get(0), 200)))));
        assertThat(e.error()).isEqualTo(ApiError.MISSING_ELEMENT);
        assertThat(dm.store.findPackage(view.sessionId()).orElseThrow().isReported()).isFalse();
        assertThat(dm.store.findCommand(view.commands().get(0).commandId()).orElseThrow().isReported()).isFalse();
        assertThat(dm.store.tree(WATCH, "./")).isEmpty();
    }

    @Test
    void aStatusForAnUnknownCmdIdIsCheckedBeforeAMissingStatus() {
        dm.retrieve("./A", "./B");
        PackageView view = next(dm);
        var e = refusal(() -> dm.sessions.report(WATCH, view.sessionId(),
                new SessionReport(List.of(new CommandStatus("7", 200, List.of())))));
        assertThat(e.error()).isEqualTo(ApiError.CONFLICT);
    }

    @Test
    void theIdenticalReportAgainGetsTheIdenticalAnswer() {
        DmFixture f = withPackagesOf(1);
        f.retrieve("./A", "./B");
        PackageView p1 = next(f);
        Optional<PackageView> answer = f.sessions.report(WATCH, p1.sessionId(), reportAll(p1, 200));
        assertThat(f.sessions.report(WATCH, p1.sessionId(), reportAll(p1, 200))).isEqualTo(answer);

        PackageView p2 = answer.orElseThrow();
        assertThat(f.sessions.report(WATCH, p2.sessionId(), reportAll(p2, 200))).isEmpty();
        assertThat(f.sessions.report(WATCH, p2.sessionId(), reportAll(p2, 200))).as("204 again").isEmpty();
        assertThat(f.sessions.completed(WATCH, 0, 10)).hasSize(1);
    }

    @Test
    void aDifferentReportForAReportedPackageIs409() {
        dm.retrieve("./A");
        PackageView view = next(dm);
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        var e = refusal(() -> dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 404)));
        assertThat(e.error()).isEqualTo(ApiError.CONFLICT);
        assertThat(dm.sessions.completed(WATCH, 0, 10).get(0).result()).isEqualTo(SessionResult.OK);
    }

    @Test
    void nextWhileAStartedSessionsPackageIsUnreportedReturnsThatSamePackage() {
        DmFixture f = withPackagesOf(1);
        f.retrieve("./A", "./B");
        PackageView p1 = next(f);
        assertThat(next(f)).isEqualTo(p1);
        PackageView p2 = f.sessions.report(WATCH, p1.sessionId(), reportAll(p1, 200)).orElseThrow();
        assertThat(next(f)).isEqualTo(p2);
        assertThat(f.sessions.start(WATCH, p1.sessionId(), null)).as("starting it again, too").isEqualTo(p2);
    }

    @Test
    void abortEndsTheSessionAbortedAndFailsOnlyOperationsWithUnreportedCommands() {
        DmFixture f = withPackagesOf(1);
        Operation done = f.retrieve("./A");
        Operation cut = f.retrieve("./B");
        PackageView p1 = next(f);
        PackageView p2 = f.sessions.report(WATCH, p1.sessionId(), reportAll(p1, 200)).orElseThrow();

        f.sessions.abort(WATCH, p2.sessionId());

        assertThat(f.operation(done.operationId()).state()).isEqualTo(OperationState.SUCCEEDED);
        Operation failed = f.operation(cut.operationId());
        assertThat(failed.state()).isEqualTo(OperationState.FAILED);
        assertThat(failed.resultText()).contains("aborted");
        assertThat(f.sessions.completed(WATCH, 0, 10)).singleElement()
                .extracting(Session::result).isEqualTo(SessionResult.ABORTED);
        assertThat(refusal(() -> f.sessions.report(WATCH, p2.sessionId(), reportAll(p2, 200))).error())
                .isEqualTo(ApiError.CONFLICT);
        assertThat(f.sessions.next(WATCH, null)).isEmpty();
    }

    @Test
    void aStartedSessionUnreportedFor300SecondsEndsAborted() {
        Operation op = dm.retrieve("./A");
        next(dm);
        dm.clock.advance(Duration.ofSeconds(299));
        assertThat(dm.sessions.expireUnreported(dm.clock.instant())).isZero();
        dm.clock.advance(Duration.ofSeconds(1));
        assertThat(dm.sessions.expireUnreported(dm.clock.instant())).isEqualTo(1);

        assertThat(dm.sessions.completed(WATCH, 0, 10)).singleElement().satisfies(s -> {
            assertThat(s.result()).isEqualTo(SessionResult.ABORTED);
            assertThat(s.endReason()).isEqualTo("unreported for 300 s");
            assertThat(s.endTime()).isEqualTo(dm.clock.instant());
        });
        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.FAILED);
    }

    @Test
    void theSessionResultIsFailureWhenAnyStatusIsNot2xx() {
        Operation ok = dm.retrieve("./A");
        Operation missing = dm.retrieve("./Nope");
        PackageView view = next(dm);
        dm.sessions.report(WATCH, view.sessionId(), new SessionReport(List.of(
                status(view.commands().get(0), 200), status(view.commands().get(1), 404))));
        Session s = dm.sessions.completed(WATCH, 0, 10).get(0);
        assertThat(s.result()).isEqualTo(SessionResult.FAILURE);
        assertThat(s.createdTime()).isNotNull();
        assertThat(s.endTime()).isNotNull();
        assertThat(dm.operation(ok.operationId()).state()).isEqualTo(OperationState.SUCCEEDED);
        Operation failed = dm.operation(missing.operationId());
        assertThat(failed.state()).isEqualTo(OperationState.FAILED);
        assertThat(failed.statusCode()).isEqualTo(404);
    }

    @Test
    void sessionStartIsStoredEvenWhenNothingIsPending() {
        SessionStart start = new SessionStart(WATCH, new DevInfo("Acme", "W1", "2.0", "en"),
                new DevDetail("watch", "Acme", "1.0.0", "1.0", "A"), List.of("urn:oma:mo:oma-fumo:1.0"));
        assertThat(dm.sessions.next(WATCH, start)).as("204").isEmpty();
        var profile = dm.store.findDevice(WATCH).orElseThrow();
        assertThat(profile.devInfo().man()).isEqualTo("Acme");
        assertThat(profile.supportedMOs()).containsExactly("urn:oma:mo:oma-fumo:1.0");
        assertThat(profile.lastSeen()).isEqualTo(DmFixture.T0);

        dm.sessions.next(WATCH, new SessionStart(null, null, new DevDetail(null, null, "1.4.2", null, null), null));
        profile = dm.store.findDevice(WATCH).orElseThrow();
        assertThat(profile.devDetail().fwV()).as("what is given replaces").isEqualTo("1.4.2");
        assertThat(profile.devDetail().devTyp()).as("what is absent stays").isEqualTo("watch");
    }

    @Test
    void aSessionStartNamingAnotherDeviceIs403AndStoresNothing() {
        var e = refusal(() -> dm.sessions.next(WATCH, new SessionStart(PHONE, new DevInfo("Evil", null, null, null),
                null, null)));
        assertThat(e.error()).isEqualTo(ApiError.NOT_PERMITTED);
        assertThat(dm.store.findDevice(WATCH)).isEmpty();
    }

    @Test
    void getResultsUpdateTheLastKnownTreeWithTheirTime() {
        dm.retrieve("./DevDetail/FwV");
        PackageView view = next(dm);
        dm.clock.advance(Duration.ofSeconds(5));
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        assertThat(dm.store.tree(WATCH, "./DevDetail")).singleElement().satisfies(v -> {
            assertThat(v.value()).isEqualTo("v:./DevDetail/FwV");
            assertThat(v.time()).isEqualTo(DmFixture.T0.plusSeconds(5));
        });
    }

    @Test
    void anotherDevicesSessionIsUnknown() {
        dm.retrieve("./A");
        PackageView view = next(dm);
        assertThat(refusal(() -> dm.sessions.report(PHONE, view.sessionId(), reportAll(view, 200))).error())
                .isEqualTo(ApiError.NOT_FOUND);
        assertThat(refusal(() -> dm.sessions.abort(PHONE, view.sessionId())).error()).isEqualTo(ApiError.NOT_FOUND);
        assertThat(refusal(() -> dm.sessions.start(PHONE, view.sessionId(), null)).error())
                .isEqualTo(ApiError.NOT_FOUND);
    }
}
