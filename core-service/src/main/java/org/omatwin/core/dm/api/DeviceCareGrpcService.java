package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import org.omatwin.core.dm.care.AvailableUpdate;
import org.omatwin.core.dm.care.CareOperation;
import org.omatwin.core.dm.care.CaredDevice;
import org.omatwin.core.dm.care.DeviceCareUseCases;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.pkg.PackageMetadata;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.portal.v1.DeviceCareServiceGrpc;
import org.omatwin.proto.portal.v1.GetCaredDeviceRequest;
import org.omatwin.proto.portal.v1.GetCaredDeviceResponse;
import org.omatwin.proto.portal.v1.InstallUpdateRequest;
import org.omatwin.proto.portal.v1.InstallUpdateResponse;
import org.omatwin.proto.portal.v1.InstalledSoftware;
import org.omatwin.proto.portal.v1.ListCaredDevicesRequest;
import org.omatwin.proto.portal.v1.ListCaredDevicesResponse;
import org.omatwin.proto.portal.v1.ResendSettingsRequest;
import org.omatwin.proto.portal.v1.ResendSettingsResponse;
import org.omatwin.proto.portal.v1.WatchCareOperationRequest;
import org.omatwin.proto.portal.v1.WatchCareOperationResponse;

/**
 * {@code oma.twinning.portal.v1.DeviceCareService}: device care for the self-care portal over
 * {@link DeviceCareUseCases}; the subscriber is the subject of the verified token. Translates only.
 */
public final class DeviceCareGrpcService extends DeviceCareServiceGrpc.DeviceCareServiceImplBase {
    /** How often a watched operation is read again for changes. */
    static final long WATCH_MILLIS = 500;

    private final DeviceCareUseCases care;
    private final Follows watches;

    public DeviceCareGrpcService(DeviceCareUseCases care, ScheduledExecutorService watches) {
        this.care = care;
        this.watches = new Follows(watches, WATCH_MILLIS);
    }

    @Override
    public void listCaredDevices(ListCaredDevicesRequest req, StreamObserver<ListCaredDevicesResponse> out) {
        Unary.respond(out, () -> {
            var b = ListCaredDevicesResponse.newBuilder();
            care.devices(subscriber()).forEach(d -> b.addDevices(toProto(d)));
            return b.build();
        });
    }

    @Override
    public void getCaredDevice(GetCaredDeviceRequest req, StreamObserver<GetCaredDeviceResponse> out) {
        Unary.respond(out, () -> GetCaredDeviceResponse.newBuilder()
                .setDevice(toProto(care.device(subscriber(), devId(req.getDevId())))).build());
    }

    @Override
    public void installUpdate(InstallUpdateRequest req, StreamObserver<InstallUpdateResponse> out) {
        Unary.respond(out, () -> {
            if (req.getPackageId().isEmpty()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "packageId is missing", "packageId");
            }
            return InstallUpdateResponse.newBuilder().setOperation(toProto(care.install(subscriber(),
                    devId(req.getDevId()), req.getPackageId()))).build();
        });
    }

    @Override
    public void resendSettings(ResendSettingsRequest req, StreamObserver<ResendSettingsResponse> out) {
        Unary.respond(out, () -> ResendSettingsResponse.newBuilder()
                .setOperation(toProto(care.resendSettings(subscriber(), devId(req.getDevId())))).build());
    }

    @Override
    public void watchCareOperation(WatchCareOperationRequest req, StreamObserver<WatchCareOperationResponse> out) {
        String subscriber = subscriber();
        watches.watch(out, watched(subscriber, req.getOperationId()), () -> watched(subscriber, req.getOperationId()),
                w -> isFinal(w.getOperation().getState()));
    }

    private WatchCareOperationResponse watched(String subscriber, String operationId) {
        return WatchCareOperationResponse.newBuilder().setOperation(toProto(care.operation(subscriber, operationId)))
                .build();
    }

    private static boolean isFinal(String state) {
        return !"Queued".equals(state) && !"Delivered".equals(state);
    }

    private static DevId devId(String text) {
        return PortalCallers.devId(text, "on your lines");
    }

    private static String subscriber() {
        return PortalCallers.subscriber();
    }

    static org.omatwin.proto.portal.v1.CaredDevice toProto(CaredDevice d) {
        DeviceProfile p = d.profile();
        var b = org.omatwin.proto.portal.v1.CaredDevice.newBuilder().setDevId(p.devId().value())
                .setLine(p.line() == null ? "" : p.line().value()).setHasSettings(d.settings() != null)
                .addAllConfiguration(d.configuration());
        DmwsiViews.set(d.name(), b::setName);
        DmwsiViews.set(p.devInfo().man(), b::setManufacturer);
        DmwsiViews.set(p.devInfo().mod(), b::setModel);
        DmwsiViews.set(p.devDetail().fwV(), b::setFirmwareVersion);
        DmwsiViews.set(p.devDetail().swV(), b::setSoftwareVersion);
        DmwsiViews.set(p.devDetail().devTyp(), b::setDeviceType);
        if (p.lastSeen() != null) {
            b.setLastSeen(DmwsiViews.timestamp(p.lastSeen()));
        }
        for (CaredDevice.InstalledSoftware s : d.software()) {
            var sb = InstalledSoftware.newBuilder().setId(s.id());
            DmwsiViews.set(s.name(), sb::setName);
            DmwsiViews.set(s.version(), sb::setVersion);
            DmwsiViews.set(s.state(), sb::setState);
            b.addSoftware(sb);
        }
        for (AvailableUpdate u : d.updates()) {
            PackageMetadata m = u.pkg().metadata();
            var ub = org.omatwin.proto.portal.v1.AvailableUpdate.newBuilder().setPackageId(u.pkg().packageId())
                    .setName(m.name()).setKind(m.kind().wire()).setVersion(m.version()).setSize(m.size());
            DmwsiViews.set(u.fromVersion(), ub::setFromVersion);
            b.addUpdates(ub);
        }
        if (d.running() != null) {
            b.setRunning(toProto(d.running()));
        }
        return b.build();
    }

    static org.omatwin.proto.portal.v1.CareOperation toProto(CareOperation c) {
        Operation o = c.operation();
        var b = org.omatwin.proto.portal.v1.CareOperation.newBuilder().setOperationId(o.operationId())
                .setDevId(o.devId().value()).setType(o.request().type().wire()).setState(o.state().wire())
                .setAcceptedTime(DmwsiViews.timestamp(o.acceptedTime()));
        if (c.pkg() != null) {
            b.setPackageName(c.pkg().metadata().name()).setPackageVersion(c.pkg().metadata().version())
                    .setPackageKind(c.pkg().metadata().kind().wire());
        }
        if (o.resultCode() != null) {
            b.setResultCode(o.resultCode());
        }
        DmwsiViews.set(o.resultText(), b::setResultText);
        DmwsiViews.set(c.currentFirmwareVersion(), b::setCurrentFirmwareVersion);
        return b.build();
    }
}
