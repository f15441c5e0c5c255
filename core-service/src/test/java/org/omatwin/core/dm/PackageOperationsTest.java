package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.omatwin.core.dm.DmFixture.CARE;
import static org.omatwin.core.dm.DmFixture.OTHER_CLIENT;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.reportAll;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.alert.AlertMark;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.pkg.PackageContent;
import org.omatwin.core.dm.pkg.PackagePlanning;
import org.omatwin.core.dm.pkg.PackageUseCases;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.dm.pkg.TestOriginator;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * Section 8 in the operations of section 4, on the domain with the in-memory store: a firmwareUpdate
 * names a Verified package of its client, a device outside the targets gets a Rejected operation, the
 * download is allowed only while a delivered command of a live operation names the package, and the
 * device's FUMO alert ends the operation and records the new firmware version.
 */
class PackageOperationsTest {
    private static TestOriginator originator;
    private static byte[] bytes;
    private static Path firmware;

    @TempDir
    Path store;
    private DmFixture dm;
    private PackageUseCases packages;
    private OperationUseCases operations;

    @BeforeAll
    static void sign(@TempDir Path files) throws IOException {
        originator = TestOriginator.create();
        bytes = new byte[10_000];
        new Random(5).nextBytes(bytes);
        firmware = Files.write(files.resolve("fw.bin"), bytes);
    }

    @BeforeEach
    void setUp() {
        dm = new DmFixture();
        // the originator's certificates are valid from today: checked on the real clock
        packages = new PackageUseCases(dm.store, new PackageContent(store, 1_000_000), originator.approved(),
                Clock.systemUTC());
        operations = new OperationUseCases(dm.queue, new OperationPlanner(new PackagePlanning(packages)), url -> { },
                dm.clock);
        reported(WATCH, "Acme", "W1", "1.0.0");
    }

    private void reported(DevId devId, String man, String mod, String fwV) {
        dm.store.inTransaction(s -> {
            s.lockDevice(devId, DmFixture.T0);
            s.saveDevice(DeviceProfile.unknown(devId).started(new DevInfo(man, mod, "2.0", "en"),
                    new DevDetail("watch", man, fwV, "1.0", "A"), List.of(), null, DmFixture.T0));
            return null;
        });
    }

    private SignedPackage verified(String version) {
        JsonNode body = originator.sign(firmware, "W1 firmware", version, "firmware", "Acme", "W1", "1.0.0");
        SignedPackage p = packages.register("care-desk", TestOriginator.metadata(body), body.get("signature").asText());
        return packages.upload("care-desk", p.packageId(), new ByteArrayInputStream(bytes));
    }

    private Operation update(DevId devId, String packageId) {
        return operations.accept(CARE, OperationRequest.of(OperationType.FIRMWARE_UPDATE, new OperationArguments(
                null, null, packageId, null, null, null, null, null, null), devId),
                ClientPolicy.unrestricted("care-desk")).operation();
    }

    @Test
    void aFirmwareUpdateDownloadsOnlyWhileDeliveredAndItsAlertRecordsTheNewVersion() {
        SignedPackage p = verified("2.0.0");
        Operation op = update(WATCH, p.packageId());
        assertThat(op.state()).isEqualTo(OperationState.QUEUED);
        assertUnknown(() -> packages.download(WATCH, p.packageId(), "whole")); // queued, not delivered

        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        Command exec = view.commands().getFirst();
        assertThat(exec.op()).isEqualTo(CommandOp.EXEC);
        assertThat(exec.uri()).isEqualTo("./FUMO/1/DownloadAndUpdate");
        assertThat(exec.packageRef()).isEqualTo(p.packageId());
        assertThat(exec.data()).isEqualTo("{\"version\":\"2.0.0\"}");

        assertThat(packages.download(WATCH, p.packageId(), "whole").file()).hasBinaryContent(bytes);
        assertUnknown(() -> packages.download(PHONE, p.packageId(), "whole")); // another device
        assertThatThrownBy(() -> packages.delete("care-desk", p.packageId())).isInstanceOfSatisfying(
                ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.CONFLICT));

        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 202));
        dm.alerts.receive(WATCH, new Alert("a-1", Alert.FUMO_DOWNLOAD_AND_UPDATE, "./FUMO/1", exec.correlator(), 200,
                AlertMark.INFORMATIONAL, null, DmFixture.T0));

        Operation done = dm.operation(op.operationId());
        assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.resultCode()).isEqualTo(200);
        assertThat(dm.store.findDevice(WATCH).orElseThrow().devDetail().fwV()).isEqualTo("2.0.0");
        assertThat(dm.store.events()).extracting(DmEvent::type).contains(DmEventType.FIRMWARE_CHANGED);
        assertThat(packages.installations("care-desk", p.packageId())).singleElement()
                .satisfies(i -> assertThat(i.state()).isEqualTo("Succeeded"));
        assertUnknown(() -> packages.download(WATCH, p.packageId(), "whole")); // ended
        packages.delete("care-desk", p.packageId());
    }

    @Test
    void aDeviceOutsideTheTargetsGetsARejectedOperationAndNothingIsQueued() {
        SignedPackage p = verified("2.0.0");
        reported(PHONE, "Acme", "W2", "1.0.0");
        Operation op = update(PHONE, p.packageId());
        assertThat(op.state()).isEqualTo(OperationState.REJECTED);
        assertThat(op.resultText()).contains("model").contains("W2");
        assertThat(dm.sessions.pending(PHONE)).isEmpty();
        assertThat(dm.operation(op.operationId()).state()).isEqualTo(OperationState.REJECTED);

        reported(PHONE, "Acme", "W1", "0.9");
        assertThat(update(PHONE, p.packageId()).resultText()).contains("0.9");
    }

    @Test
    void anotherClientsPackageOrOneNotVerifiedCannotBeNamed() {
        SignedPackage p = verified("2.0.0");
        assertThatThrownBy(() -> operations.accept(OTHER_CLIENT, OperationRequest.of(OperationType.FIRMWARE_UPDATE,
                new OperationArguments(null, null, p.packageId(), null, null, null, null, null, null), WATCH),
                ClientPolicy.unrestricted("someone-else"))).isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.NOT_FOUND));
        JsonNode body = originator.sign(firmware, "W1 firmware", "3", "firmware", "Acme", "W1");
        SignedPackage awaiting = packages.register("care-desk", TestOriginator.metadata(body),
                body.get("signature").asText());
        assertThatThrownBy(() -> update(WATCH, awaiting.packageId())).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(ApiError.CONFLICT));
        assertThatThrownBy(() -> operations.accept(CARE, OperationRequest.of(OperationType.SOFTWARE_INSTALL,
                new OperationArguments(null, null, p.packageId(), null, null, null, null, null, null), WATCH),
                ClientPolicy.unrestricted("care-desk"))).isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.variables()).contains("packageId"));
        assertThat(dm.sessions.pending(WATCH)).isEmpty();
    }

    private static void assertUnknown(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(ApiError.NOT_FOUND));
    }
}
