package org.omatwin.core.dm.care;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.pkg.PackageKind;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;

/**
 * Device care for the self-care portal (dm-api.md section 10; seed 003 5.7-5.9, UP1, UP3, UP4): the
 * devices bound to the subscriber's lines as last reported, the updates available for each (Verified
 * firmware and software packages whose targets match its manufacturer, model and version, not the
 * version it already runs), installing one, and sending its configuration package again. A device not
 * bound to one of the subscriber's lines, and an operation the subscriber did not start, look unknown
 * (404 SVC2008). What the subscriber starts is an ordinary operation of the engine with their DM account
 * as its requester ({@link Requester#account}): planned by the package planner (targets checked again),
 * queued, delivered, on the transaction log and an event like every other.
 */
public final class DeviceCareUseCases {
    /** How many of the subscriber's newest operations are looked through for one still running on a device. */
    private static final int RECENT = 50;
    private static final String INVENTORY = "./SCOMO/Inventory/Deployed";
    private static final String CONFIGURATION = "./Configuration";

    private final Transactions<? extends CareStore> store;
    private final OperationUseCases operations;

    public DeviceCareUseCases(Transactions<? extends CareStore> store, OperationUseCases operations) {
        this.store = store;
        this.operations = operations;
    }

    /** The devices bound to the subscriber's lines, by devId. */
    public List<CaredDevice> devices(String subscriber) {
        return store.inTransaction(s -> {
            List<Line> lines = lines(s, subscriber);
            List<Operation> recent = s.operationsOf(Requester.account(subscriber), 0, RECENT);
            return s.devicesOn(lines).stream().sorted(Comparator.comparing(p -> p.devId().value()))
                    .map(p -> view(s, subscriber, p, recent)).toList();
        });
    }

    public CaredDevice device(String subscriber, DevId devId) {
        return store.inTransaction(s -> view(s, subscriber, own(s, subscriber, devId),
                s.operationsOf(Requester.account(subscriber), 0, RECENT)));
    }

    /**
     * Installs one of the device's available updates (UP4, 5.7, 5.8): a firmwareUpdate or softwareInstall
     * naming the package. A package that is not available for the device (unknown, not Verified, another
     * model or version, the version it already runs) is 404 SVC2008 naming packageId; while an install or a
     * settings delivery the subscriber started on the device is under way, 409 SVC2007 naming devId.
     */
    public CareOperation install(String subscriber, DevId devId, String packageId) {
        AvailableUpdate update = store.inTransaction(s -> updates(s, own(s, subscriber, devId)).stream()
                .filter(u -> u.pkg().packageId().equals(packageId)).findFirst().orElseThrow(() -> ApiException.of(
                        ApiError.NOT_FOUND, "no update " + packageId + " for this device", "packageId")));
        OperationType type = update.pkg().metadata().kind() == PackageKind.FIRMWARE ? OperationType.FIRMWARE_UPDATE
                : OperationType.SOFTWARE_INSTALL;
        return start(subscriber, devId, type, update.pkg());
    }

    /**
     * Sends the device its settings again (UP1, 5.9): a configure with the latest Verified configuration
     * package whose targets match the device. None: 404 SVC2008 naming packageId.
     */
    public CareOperation resendSettings(String subscriber, DevId devId) {
        SignedPackage settings = store.inTransaction(s -> settings(s, own(s, subscriber, devId))).map(
                AvailableUpdate::pkg).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND,
                        "no settings package for this device", "packageId"));
        return start(subscriber, devId, OperationType.CONFIGURE, settings);
    }

    /** One of the subscriber's operations (another's, or one on a device no longer on their lines: 404). */
    public CareOperation operation(String subscriber, String operationId) {
        return store.inTransaction(s -> {
            Operation o = s.findOperation(operationId).filter(op -> op.requester().equals(Requester.account(
                    subscriber))).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "no operation " + operationId,
                            "operationId"));
            own(s, subscriber, o.devId());
            return care(s, o);
        });
    }

    private CareOperation start(String subscriber, DevId devId, OperationType type, SignedPackage pkg) {
        // one at a time per device: a second press while the first is under way starts nothing
        store.inTransaction(s -> s.operationsOf(Requester.account(subscriber), 0, RECENT).stream()
                .filter(o -> o.devId().equals(devId) && !o.isFinal()).findFirst()).ifPresent(running -> {
                    throw ApiException.of(ApiError.CONFLICT, "an update or a settings delivery is already under way "
                            + "on this device (" + running.operationId() + ")", "devId");
                });
        OperationRequest request = OperationRequest.of(type, new OperationArguments(null, null, pkg.packageId(), null,
                null, null, null, null, null), devId);
        // the subscriber's own device: no client policy applies (section 6 is for external systems)
        Operation accepted = operations.accept(Requester.account(subscriber), request,
                ClientPolicy.unrestricted(subscriber)).operation();
        return store.inTransaction(s -> care(s, accepted));
    }

    private static CaredDevice view(CareStore s, String subscriber, DeviceProfile p, List<Operation> recent) {
        CareOperation running = recent.stream().filter(o -> o.devId().equals(p.devId()) && !o.isFinal()).findFirst()
                .map(o -> care(s, o)).orElse(null);
        return new CaredDevice(p, s.registeredName(subscriber, p.devId()).orElse(null), software(s, p.devId()),
                s.tree(p.devId(), CONFIGURATION).stream().map(NodeValue::uri).toList(), updates(s, p),
                settings(s, p).orElse(null), running);
    }

    /**
     * Verified firmware and software packages whose targets match the device, newest version first; never
     * the firmware version it runs, nor software its inventory lists at that version. A device that never
     * reported itself has none.
     */
    static List<AvailableUpdate> updates(CareStore s, DeviceProfile p) {
        if (!p.wasSeen()) {
            return List.of();
        }
        List<InstalledKey> installed = software(s, p.devId()).stream()
                .map(i -> new InstalledKey(i.name(), i.version())).toList();
        List<AvailableUpdate> out = new ArrayList<>();
        for (SignedPackage pkg : matching(s, p)) {
            PackageKind kind = pkg.metadata().kind();
            String from = kind == PackageKind.FIRMWARE ? p.devDetail().fwV() : p.devDetail().swV();
            boolean current = kind == PackageKind.FIRMWARE ? pkg.metadata().version().equals(from)
                    : installed.contains(new InstalledKey(pkg.metadata().name(), pkg.metadata().version()));
            if (kind != PackageKind.CONFIGURATION && !current) {
                out.add(new AvailableUpdate(pkg, from));
            }
        }
        out.sort(Comparator.comparing((AvailableUpdate u) -> u.pkg().metadata().kind())
                .thenComparing(u -> u.pkg().metadata().name())
                .thenComparing(u -> u.pkg().metadata().version(), Comparator.reverseOrder()));
        return out;
    }

    private record InstalledKey(String name, String version) {}

    /** The latest Verified configuration package that targets the device (UP1). */
    static Optional<AvailableUpdate> settings(CareStore s, DeviceProfile p) {
        if (!p.wasSeen()) {
            return Optional.empty();
        }
        return matching(s, p).stream().filter(pkg -> pkg.metadata().kind() == PackageKind.CONFIGURATION)
                .max(Comparator.comparing(SignedPackage::updatedTime).thenComparing(SignedPackage::packageId))
                .map(pkg -> new AvailableUpdate(pkg, p.devDetail().swV()));
    }

    private static List<SignedPackage> matching(CareStore s, DeviceProfile p) {
        return s.verifiedPackagesFor(p.devInfo().man(), p.devInfo().mod()).stream()
                .filter(SignedPackage::isVerified)
                .filter(pkg -> pkg.metadata().targets().mismatch(p, pkg.metadata().kind()).isEmpty()).toList();
    }

    /** The deployed components of the last inventory, by their entry ({@code ./SCOMO/Inventory/Deployed/<x>/...}). */
    private static List<CaredDevice.InstalledSoftware> software(CareStore s, DevId devId) {
        Map<String, Map<String, String>> entries = new TreeMap<>();
        for (NodeValue v : s.tree(devId, INVENTORY)) {
            String[] rest = v.uri().substring(INVENTORY.length()).split("/");
            // "", "<x>", "<leaf>"
            if (rest.length == 3) {
                entries.computeIfAbsent(rest[1], k -> new TreeMap<>()).put(rest[2], v.value());
            }
        }
        return entries.entrySet().stream().map(e -> new CaredDevice.InstalledSoftware(
                e.getValue().getOrDefault("ID", e.getKey()), e.getValue().get("Name"), e.getValue().get("Version"),
                e.getValue().get("State"))).toList();
    }

    private static CareOperation care(CareStore s, Operation o) {
        String packageId = o.request().arguments().packageId();
        SignedPackage pkg = packageId == null ? null : s.readPackage(packageId).orElse(null);
        return new CareOperation(o, pkg, s.findDevice(o.devId()).map(p -> p.devDetail().fwV()).orElse(null));
    }

    /** The device, when it is bound to one of the subscriber's lines; otherwise 404 as for an unknown one. */
    private static DeviceProfile own(CareStore s, String subscriber, DevId devId) {
        return s.findDevice(devId).filter(p -> p.line() != null && lines(s, subscriber).contains(p.line()))
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "no device " + devId + " on your lines",
                        "devId"));
    }

    private static List<Line> lines(CareStore s, String subscriber) {
        return s.linesOf(subscriber).stream().map(Line::parse).flatMap(Optional::stream).toList();
    }
}
