package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.alert.AlertMark;
import org.omatwin.core.dm.alert.AlertPolicy;
import org.omatwin.core.dm.alert.AlertUseCases;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.care.AvailableUpdate;
import org.omatwin.core.dm.care.CareOperation;
import org.omatwin.core.dm.care.CareStore;
import org.omatwin.core.dm.care.CaredDevice;
import org.omatwin.core.dm.care.DeviceCareUseCases;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.pkg.PackageContent;
import org.omatwin.core.dm.pkg.PackagePlanning;
import org.omatwin.core.dm.pkg.PackageUseCases;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.dm.pkg.TestOriginator;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.SessionPolicy;
import org.omatwin.core.dm.session.SessionUseCases;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.testsupport.MutableClock;

/**
 * Device care for the portal (dm-api.md section 10; 5.7-5.9, UP1, UP3, UP4) on the domain with the
 * in-memory store: a subscriber sees and acts on the devices of their own lines only; the updates offered
 * are the Verified packages whose targets match the device's manufacturer, model and version; installing
 * one is an ordinary operation of the engine requested by their DM account; "send my settings again"
 * delivers the latest configuration package that targets the device.
 */
class DeviceCareTest {
    private static final DevId WATCH = DmFixture.WATCH;
    private static final DevId PHONE = DmFixture.PHONE;
    private static final Line ALICE = new Line("tel:+447700900001");
    private static final Line BOB = new Line("tel:+447700900002");
    private static TestOriginator originator;
    private static byte[] bytes;
    private static final Map<String, JsonNode> SIGNED = new java.util.HashMap<>();

    @TempDir
    Path packageStore;
    private final MutableClock clock = new MutableClock(Instant.now());
    private InMemoryDmStore store;
    private PackageUseCases packages;
    private SessionUseCases sessions;
    private AlertUseCases alerts;
    private DeviceCareUseCases care;

    @BeforeAll
    static void sign(@TempDir Path files) throws IOException {
        originator = TestOriginator.create();
        bytes = new byte[2_000];
        new java.util.Random(7).nextBytes(bytes);
        Path content = Files.write(files.resolve("p.bin"), bytes);
        SIGNED.put("fw2", originator.sign(content, "W1 firmware", "2.0.0", "firmware", "Acme", "W1", "1.0.0"));
        SIGNED.put("fw3-from-1.5", originator.sign(content, "W1 firmware", "3.0.0", "firmware", "Acme", "W1", "1.5.0"));
        SIGNED.put("fw-w2", originator.sign(content, "W2 firmware", "2.0.0", "firmware", "Acme", "W2", "1.0.0"));
        SIGNED.put("fw-other-man", originator.sign(content, "W1 firmware", "2.1.0", "firmware", "Other", "W1"));
        SIGNED.put("fw-same", originator.sign(content, "W1 firmware", "1.0.0", "firmware", "Acme", "W1"));
        SIGNED.put("app", originator.sign(content, "Weather", "1.2", "software", "Acme", "W1"));
        SIGNED.put("settings-old", originator.sign(content, "W1 settings", "1", "configuration", "Acme", "W1"));
        SIGNED.put("settings-new", originator.sign(content, "W1 settings", "2", "configuration", "Acme", "W1"));
        SIGNED.put("settings-w2", originator.sign(content, "W2 settings", "3", "configuration", "Acme", "W2"));
    }

    @BeforeEach
    void setUp() {
        store = new InMemoryDmStore();
        store.subscriberHasLine("alice", ALICE);
        store.subscriberHasLine("bob", BOB);
        DeviceQueue queue = new DeviceQueue(store, pending -> { });
        packages = new PackageUseCases(store, new PackageContent(packageStore, 1_000_000), originator.approved(), clock);
        OperationUseCases operations = new OperationUseCases(queue, new OperationPlanner(new PackagePlanning(packages)),
                url -> { }, clock);
        sessions = new SessionUseCases(queue, SessionPolicy.DEFAULT, clock);
        alerts = new AlertUseCases(store, AlertPolicy.DEFAULT, clock);
        care = new DeviceCareUseCases(new Transactions<CareStore>() {
            @Override
            public <T> T inTransaction(Function<CareStore, T> work) {
                return store.inTransaction(s -> work.apply((CareStore) s));
            }
        }, operations);
        reported(WATCH, ALICE, "W1", "1.0.0");
        reported(PHONE, BOB, "W1", "1.0.0");
    }

    private void reported(DevId devId, Line line, String mod, String fwV) {
        store.inTransaction(s -> {
            s.lockDevice(devId, clock.instant());
            s.saveDevice(DeviceProfile.unknown(devId).started(new DevInfo("Acme", mod, "2.0", "en"),
                    new DevDetail("watch", "Acme", fwV, "1.0", "A"), List.of(), line, clock.instant()));
            return null;
        });
    }

    /** Registers and uploads a signed package (by an external system, as section 8 has it); Verified. */
    private SignedPackage verified(String key) {
        JsonNode body = SIGNED.get(key);
        SignedPackage p = packages.register("firmware-team", TestOriginator.metadata(body),
                body.get("signature").asText());
        clock.advance(Duration.ofSeconds(1));
        return packages.upload("firmware-team", p.packageId(), new ByteArrayInputStream(bytes));
    }

    @Test
    void aSubscriberSeesAndActsOnTheDevicesOfTheirOwnLinesOnly() {
        SignedPackage fw = verified("fw2");
        assertThat(care.devices("alice")).extracting(d -> d.profile().devId()).containsExactly(WATCH);
        assertThat(care.devices("bob")).extracting(d -> d.profile().devId()).containsExactly(PHONE);
        assertThat(care.devices("nobody")).isEmpty();

        assertNotFound(() -> care.device("alice", PHONE), "devId");
        assertNotFound(() -> care.install("alice", PHONE, fw.packageId()), "devId");
        assertNotFound(() -> care.resendSettings("alice", PHONE), "devId");
        assertThat(sessions.pending(PHONE)).isEmpty();

        CareOperation mine = care.install("alice", WATCH, fw.packageId());
        assertNotFound(() -> care.operation("bob", mine.operation().operationId()), "operationId");
        // one at a time: while it is under way, neither another install nor the settings start
        verified("settings-new");
        for (ThrowingCallable again : List.<ThrowingCallable>of(() -> care.install("alice", WATCH, fw.packageId()),
                () -> care.resendSettings("alice", WATCH))) {
            assertThatThrownBy(again).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.error()).isEqualTo(ApiError.CONFLICT);
                assertThat(e.variables()).contains("devId");
            });
        }
        // a device that moved to another line is no longer the subscriber's, nor its operations
        reported(WATCH, BOB, "W1", "1.0.0");
        assertThat(care.devices("alice")).isEmpty();
        assertNotFound(() -> care.operation("alice", mine.operation().operationId()), "devId");
    }

    @Test
    void theUpdatesOfferedAreVerifiedPackagesMatchingManufacturerModelAndVersion() {
        List<String> offered = new ArrayList<>();
        for (String key : List.of("fw2", "fw3-from-1.5", "fw-w2", "fw-other-man", "fw-same", "app", "settings-old")) {
            SignedPackage p = verified(key);
            if (key.equals("fw2") || key.equals("app")) {
                offered.add(p.packageId());
            }
        }
        // registered, not uploaded: AwaitingContent, never offered
        JsonNode body = SIGNED.get("fw2");
        packages.register("firmware-team", TestOriginator.metadata(body), body.get("signature").asText());

        CaredDevice watch = care.device("alice", WATCH);
        assertThat(watch.updates()).extracting(u -> u.pkg().packageId()).containsExactlyElementsOf(offered);
        AvailableUpdate firmware = watch.updates().getFirst();
        assertThat(firmware.pkg().metadata().version()).isEqualTo("2.0.0");
        assertThat(firmware.fromVersion()).isEqualTo("1.0.0");
        assertThat(watch.settings()).isNotNull();

        // the W2 package is for the W2 only
        reported(PHONE, BOB, "W2", "1.0.0");
        assertThat(care.device("bob", PHONE).updates()).extracting(u -> u.pkg().metadata().name())
                .containsExactly("W2 firmware");
        // on 1.5.0 the 3.0.0 update applies and the 2.0.0 one (from 1.0.0 only) no longer does
        reported(WATCH, ALICE, "W1", "1.5.0");
        assertThat(care.device("alice", WATCH).updates()).extracting(u -> u.pkg().metadata().version())
                .containsExactly("3.0.0", "1.0.0", "1.2");
    }

    @Test
    void installingIsAFirmwareUpdateOfTheSubscribersAccountThatEndsWithTheNewVersion() {
        SignedPackage fw = verified("fw2");
        CareOperation started = care.install("alice", WATCH, fw.packageId());
        assertThat(started.operation().request().type()).isEqualTo(OperationType.FIRMWARE_UPDATE);
        assertThat(started.operation().requester()).isEqualTo(Requester.account("alice"));
        assertThat(started.operation().state()).isEqualTo(OperationState.QUEUED);
        assertThat(started.operation().request().arguments().packageId()).isEqualTo(fw.packageId());
        assertThat(started.pkg().metadata().version()).isEqualTo("2.0.0");
        assertThat(care.device("alice", WATCH).running().operation().operationId())
                .isEqualTo(started.operation().operationId());

        PackageView view = sessions.next(WATCH, null).orElseThrow();
        Command exec = view.commands().getFirst();
        assertThat(exec.op()).isEqualTo(CommandOp.EXEC);
        assertThat(exec.uri()).isEqualTo("./FUMO/1/DownloadAndUpdate");
        assertThat(packages.download(WATCH, fw.packageId(), "whole").file()).hasBinaryContent(bytes);
        sessions.report(WATCH, view.sessionId(), DmFixture.reportAll(view, 202));
        alerts.receive(WATCH, new Alert("a-1", Alert.FUMO_DOWNLOAD_AND_UPDATE, "./FUMO/1", exec.correlator(), 200,
                AlertMark.INFORMATIONAL, null, clock.instant()));

        CareOperation done = care.operation("alice", started.operation().operationId());
        assertThat(done.operation().state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.currentFirmwareVersion()).isEqualTo("2.0.0");
        CaredDevice watch = care.device("alice", WATCH);
        assertThat(watch.running()).isNull();
        assertThat(watch.updates()).isEmpty();
        // on the transaction log like every operation: no client, the subscriber's device
        assertThat(store.transactions()).filteredOn(t -> t.kind() == Transaction.Kind.OPERATION)
                .singleElement().satisfies(t -> {
                    assertThat(t.clientId()).isNull();
                    assertThat(t.operationId()).isEqualTo(started.operation().operationId());
                    assertThat(t.success()).isTrue();
                });
        assertThat(store.transactions()).filteredOn(t -> t.kind() == Transaction.Kind.PACKAGE_DOWNLOAD)
                .singleElement().satisfies(t -> assertThat(t.clientId()).isNull());
    }

    @Test
    void installingSoftwareIsASoftwareInstallOfItsPackage() {
        SignedPackage app = verified("app");
        CareOperation started = care.install("alice", WATCH, app.packageId());
        assertThat(started.operation().request().type()).isEqualTo(OperationType.SOFTWARE_INSTALL);
        assertThat(started.operation().request().arguments().packageId()).isEqualTo(app.packageId());
        assertThat(sessions.next(WATCH, null).orElseThrow().commands()).last().satisfies(c -> {
            assertThat(c.op()).isEqualTo(CommandOp.EXEC);
            assertThat(c.uri()).isEqualTo("./SCOMO/Download/" + app.packageId() + "/Operations/DownloadInstall");
        });
    }

    @Test
    void aPackageNotAvailableForTheDeviceCannotBeInstalled() {
        SignedPackage w2 = verified("fw-w2");
        SignedPackage same = verified("fw-same");
        SignedPackage settings = verified("settings-old");
        assertNotFound(() -> care.install("alice", WATCH, w2.packageId()), "packageId");
        assertNotFound(() -> care.install("alice", WATCH, same.packageId()), "packageId");
        assertNotFound(() -> care.install("alice", WATCH, settings.packageId()), "packageId");
        assertNotFound(() -> care.install("alice", WATCH, "pk-unknown"), "packageId");
        assertThat(sessions.pending(WATCH)).isEmpty();
    }

    @Test
    void sendMySettingsAgainDeliversTheLatestConfigurationPackageThatTargetsTheDevice() {
        assertNotFound(() -> care.resendSettings("alice", WATCH), "packageId");
        verified("settings-old");
        SignedPackage latest = verified("settings-new");
        verified("settings-w2");
        assertThat(care.device("alice", WATCH).settings().pkg().packageId()).isEqualTo(latest.packageId());

        CareOperation resent = care.resendSettings("alice", WATCH);
        assertThat(resent.operation().request().type()).isEqualTo(OperationType.CONFIGURE);
        assertThat(resent.operation().request().arguments().packageId()).isEqualTo(latest.packageId());
        assertThat(resent.operation().requester()).isEqualTo(Requester.account("alice"));
        PackageView view = sessions.next(WATCH, null).orElseThrow();
        assertThat(view.commands()).singleElement().satisfies(c -> {
            assertThat(c.op()).isEqualTo(CommandOp.HGET);
            assertThat(c.uri()).isEqualTo("./Configuration/" + latest.packageId());
        });
    }

    @Test
    void theInventoryAsLastReportedIsShown() {
        Instant t = clock.instant();
        store.inTransaction(s -> {
            s.putNodeValues(WATCH, List.of(
                    new NodeValue("./SCOMO/Inventory/Deployed/1/ID", "chr", "org.example.weather", t),
                    new NodeValue("./SCOMO/Inventory/Deployed/1/Name", "chr", "Weather", t),
                    new NodeValue("./SCOMO/Inventory/Deployed/1/Version", "chr", "1.2", t),
                    new NodeValue("./SCOMO/Inventory/Deployed/1/State", "chr", "Active", t),
                    new NodeValue("./Configuration/Wifi", "chr", "home", t)));
            return null;
        });
        verified("app");
        CaredDevice watch = care.device("alice", WATCH);
        assertThat(watch.software()).containsExactly(
                new CaredDevice.InstalledSoftware("org.example.weather", "Weather", "1.2", "Active"));
        assertThat(watch.configuration()).containsExactly("./Configuration/Wifi");
        assertThat(watch.profile().devDetail().fwV()).isEqualTo("1.0.0");
        assertThat(watch.profile().lastSeen()).isNotNull();
        // Weather 1.2 is installed already: not offered again
        assertThat(watch.updates()).isEmpty();
    }

    private static void assertNotFound(ThrowingCallable call, String variable) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.NOT_FOUND);
            assertThat(e.variables()).contains(variable);
        });
    }
}
