package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import org.omatwin.core.dm.account.AccountDevice;
import org.omatwin.core.dm.account.AccountUseCases;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.proto.portal.v1.DeviceAccountServiceGrpc;
import org.omatwin.proto.portal.v1.GetAccountDeviceRequest;
import org.omatwin.proto.portal.v1.GetAccountDeviceResponse;
import org.omatwin.proto.portal.v1.ListAccountDevicesRequest;
import org.omatwin.proto.portal.v1.ListAccountDevicesResponse;
import org.omatwin.proto.portal.v1.RegisterAccountDeviceRequest;
import org.omatwin.proto.portal.v1.RegisterAccountDeviceResponse;
import org.omatwin.proto.portal.v1.UnregisterAccountDeviceRequest;
import org.omatwin.proto.portal.v1.UnregisterAccountDeviceResponse;
import org.omatwin.proto.portal.v1.UpdateAccountDeviceRequest;
import org.omatwin.proto.portal.v1.UpdateAccountDeviceResponse;

/**
 * {@code oma.twinning.portal.v1.DeviceAccountService}: the DM account for the self-care portal's pages,
 * over the same {@link AccountUseCases} as the JSON surface {@code /dm/v2/devices}. The subscriber is the
 * subject of the verified token.
 */
public final class DeviceAccountGrpcService extends DeviceAccountServiceGrpc.DeviceAccountServiceImplBase {
    private final AccountUseCases accounts;

    public DeviceAccountGrpcService(AccountUseCases accounts) {
        this.accounts = accounts;
    }

    @Override
    public void listAccountDevices(ListAccountDevicesRequest req, StreamObserver<ListAccountDevicesResponse> out) {
        Unary.respond(out, () -> {
            String subscriber = subscriber();
            var b = ListAccountDevicesResponse.newBuilder();
            accounts.list(subscriber).forEach(d -> b.addDevices(toProto(d)));
            accounts.lines(subscriber).forEach(l -> b.addLines(l.value()));
            return b.build();
        });
    }

    @Override
    public void registerAccountDevice(RegisterAccountDeviceRequest req,
            StreamObserver<RegisterAccountDeviceResponse> out) {
        Unary.respond(out, () -> RegisterAccountDeviceResponse.newBuilder().setDevice(toProto(accounts.register(
                subscriber(), DevId.of(req.getDevId()), req.getLine().isEmpty() ? null : req.getLine(),
                req.hasName() && !req.getName().isBlank() ? req.getName() : null))).build());
    }

    @Override
    public void getAccountDevice(GetAccountDeviceRequest req, StreamObserver<GetAccountDeviceResponse> out) {
        Unary.respond(out, () -> GetAccountDeviceResponse.newBuilder()
                .setDevice(toProto(accounts.get(subscriber(), devId(req.getDevId())))).build());
    }

    @Override
    public void updateAccountDevice(UpdateAccountDeviceRequest req, StreamObserver<UpdateAccountDeviceResponse> out) {
        Unary.respond(out, () -> UpdateAccountDeviceResponse.newBuilder().setDevice(toProto(accounts.update(
                subscriber(), devId(req.getDevId()), req.hasName() ? req.getName() : null,
                req.hasCode() ? req.getCode().strip() : null))).build());
    }

    @Override
    public void unregisterAccountDevice(UnregisterAccountDeviceRequest req,
            StreamObserver<UnregisterAccountDeviceResponse> out) {
        Unary.respond(out, () -> {
            accounts.unregister(subscriber(), devId(req.getDevId()));
            return UnregisterAccountDeviceResponse.getDefaultInstance();
        });
    }

    private static DevId devId(String text) {
        return PortalCallers.devId(text, "in this account");
    }

    private static String subscriber() {
        return PortalCallers.subscriber();
    }

    private static org.omatwin.proto.portal.v1.AccountDevice toProto(AccountDevice d) {
        var b = org.omatwin.proto.portal.v1.AccountDevice.newBuilder().setDevId(d.devId().value())
                .setBinding(d.binding().wire()).setPendingSessions(d.pendingSessions());
        DmwsiViews.set(d.name(), b::setName);
        if (d.line() != null) {
            b.setLine(d.line().value());
        }
        if (d.profile() != null) {
            DmwsiViews.set(d.profile().devInfo().man(), b::setManufacturer);
            DmwsiViews.set(d.profile().devInfo().mod(), b::setModel);
            DmwsiViews.set(d.profile().devDetail().fwV(), b::setFirmwareVersion);
            if (d.profile().lastSeen() != null) {
                b.setLastSeen(DmwsiViews.timestamp(d.profile().lastSeen()));
            }
        }
        return b.build();
    }
}
