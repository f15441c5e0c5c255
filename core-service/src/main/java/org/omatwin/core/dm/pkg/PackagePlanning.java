package org.omatwin.core.dm.pkg;

import java.util.Map;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationRejected;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Plan;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The commands of the package-based operations (section 4's table, section 8): a Verified package of the
 * requesting client (for a subscriber's DM account at the portal: of any client), of the kind the
 * operation installs, for a device inside its targets (outside:
 * the operation is Rejected with the reason). The commands name the package; the device surface renders
 * its URL, SHA-256, size and signature into them (ES3).
 * <ul>
 *   <li>firmwareUpdate: FUMO {@code EXEC ./FUMO/1/DownloadAndUpdate}, ended by the FUMO alert;</li>
 *   <li>softwareInstall: the SCOMO download entry's PkgID and Name ({@code HGET}), then {@code EXEC
 *       ./SCOMO/Download/<x>/Operations/DownloadInstall}, ended by the SCOMO alert;</li>
 *   <li>configure with a packageId: {@code HGET} of the package's content to {@code ./Configuration/<name>}.</li>
 * </ul>
 */
public final class PackagePlanning implements OperationPlanner.PackageCommands {
    /** The FUMO instance the reference client and most devices have; a device without one answers 404. */
    static final String FUMO = "./FUMO/1";
    private static final Map<OperationType, PackageKind> KINDS = Map.of(OperationType.FIRMWARE_UPDATE,
            PackageKind.FIRMWARE, OperationType.SOFTWARE_INSTALL, PackageKind.SOFTWARE, OperationType.CONFIGURE,
            PackageKind.CONFIGURATION);

    private final PackageUseCases packages;

    public PackagePlanning(PackageUseCases packages) {
        this.packages = packages;
    }

    @Override
    public void plan(Requester requester, OperationRequest request, Plan.Builder plan) {
        String packageId = request.arguments().packageId();
        SignedPackage p;
        if (requester != null && requester.kind() == Requester.Kind.ACCOUNT) {
            // a subscriber at the portal installs what the operator offers their device: any client's package
            p = packages.offered(packageId);
        } else if (requester == null || requester.client() == null) {
            throw ApiException.of(ApiError.NOT_FOUND, "no package " + packageId, "packageId");
        } else {
            // the client's own packages: for a job's execution, the job's client's
            p = packages.forOperation(requester.client(), packageId);
        }
        PackageKind kind = KINDS.get(request.type());
        if (p.metadata().kind() != kind) {
            throw ApiException.of(ApiError.INVALID_INPUT, request.type().wire() + " installs a " + kind.wire()
                    + " package; " + packageId + " is " + p.metadata().kind().wire(), "packageId");
        }
        DeviceProfile device = packages.device(request.devId()).orElse(DeviceProfile.unknown(request.devId()));
        p.metadata().targets().mismatch(device, kind).ifPresent(reason -> {
            throw new OperationRejected("the device is outside the package's targets: " + reason);
        });
        String version = "{\"version\":" + PackageMetadata.string(p.metadata().version()) + "}";
        switch (request.type()) {
            case FIRMWARE_UPDATE -> plan.execWithPackage(FUMO + "/DownloadAndUpdate", packageId, version);
            case SOFTWARE_INSTALL -> {
                String entry = "./SCOMO/Download/" + packageId;
                plan.hget(entry + "/PkgID", "text/plain; charset=utf-8", bytes(p.metadata().name()))
                        .hget(entry + "/Name", "text/plain; charset=utf-8", bytes(p.metadata().name()))
                        .execWithPackage(entry + "/Operations/DownloadInstall", packageId, version);
            }
            default -> plan.hgetPackage("./Configuration/" + packageId, packageId);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
