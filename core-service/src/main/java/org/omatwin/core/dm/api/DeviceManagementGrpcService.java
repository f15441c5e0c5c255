package org.omatwin.core.dm.api;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.function.Supplier;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.dmwsi.Accepted;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.proto.dmwsi.v1.CallbackReference;
import org.omatwin.proto.dmwsi.v1.CreateOperationRequest;
import org.omatwin.proto.dmwsi.v1.CreateOperationResponse;
import org.omatwin.proto.dmwsi.v1.DevDetail;
import org.omatwin.proto.dmwsi.v1.DevInfo;
import org.omatwin.proto.dmwsi.v1.Device;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc;
import org.omatwin.proto.dmwsi.v1.GetDeviceRequest;
import org.omatwin.proto.dmwsi.v1.GetDeviceResponse;
import org.omatwin.proto.dmwsi.v1.GetOperationRequest;
import org.omatwin.proto.dmwsi.v1.GetOperationResponse;
import org.omatwin.proto.dmwsi.v1.NodeValue;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.proto.dmwsi.v1.StateChange;

/**
 * {@code oma.dmwsi.v1.DeviceManagementService} (dm-api.md section 4): translates between protobuf and
 * the DM domain; the requester is the authenticated OAuth client. An operation is visible only to
 * the client that made it. This first version serves the {@code retrieve} type.
 */
public final class DeviceManagementGrpcService extends DeviceManagementServiceGrpc.DeviceManagementServiceImplBase {
    private final OperationUseCases operations;
    private final Transactions<DmStore> devices;
    private final Supplier<String> publicUrl;

    /** @param publicUrl the REST base (e.g. http://localhost:8080) for resourceURLs */
    public DeviceManagementGrpcService(OperationUseCases operations, Transactions<DmStore> devices,
            Supplier<String> publicUrl) {
        this.operations = operations;
        this.devices = devices;
        this.publicUrl = publicUrl;
    }

    @Override
    public void createOperation(CreateOperationRequest req, StreamObserver<CreateOperationResponse> out) {
        Unary.respond(out, () -> {
            if (!req.hasOperation()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the operation element is missing", "operation");
            }
            Accepted accepted = operations.accept(requester(), toRequest(req.getOperation()));
            Operation op = toProto(accepted.operation());
            if (accepted.created()) {
                ResponseMeta.created(op.getResourceUrl());
            } else {
                ResponseMeta.existing(op.getResourceUrl());
            }
            return CreateOperationResponse.newBuilder().setOperation(op).build();
        });
    }

    @Override
    public void getOperation(GetOperationRequest req, StreamObserver<GetOperationResponse> out) {
        Unary.respond(out, () -> GetOperationResponse.newBuilder()
                .setOperation(toProto(operations.get(requester(), req.getOperationId()))).build());
    }

    @Override
    public void getDevice(GetDeviceRequest req, StreamObserver<GetDeviceResponse> out) {
        Unary.respond(out, () -> {
            DevId devId = deviceRef(req.getDeviceRef());
            DeviceProfile p = devices.read(store -> store.findDevice(devId))
                    .filter(d -> d.lastSeen() != null)
                    .orElseThrow(() -> unknownDevice(req.getDeviceRef()));
            Device.Builder d = Device.newBuilder().setDevId(p.devId().value()).addAllSupportedMos(p.supportedMOs())
                    .setResourceUrl(publicUrl.get() + "/dmwsi/v1/devices/" + p.devId().value());
            DevInfo.Builder info = DevInfo.newBuilder();
            set(p.devInfo().man(), info::setMan);
            set(p.devInfo().mod(), info::setMod);
            set(p.devInfo().dmV(), info::setDmV);
            set(p.devInfo().lang(), info::setLang);
            DevDetail.Builder detail = DevDetail.newBuilder();
            set(p.devDetail().devTyp(), detail::setDevTyp);
            set(p.devDetail().oem(), detail::setOem);
            set(p.devDetail().fwV(), detail::setFwV);
            set(p.devDetail().swV(), detail::setSwV);
            set(p.devDetail().hwV(), detail::setHwV);
            d.setDevInfo(info).setDevDetail(detail).setLastSeen(timestamp(p.lastSeen()));
            return GetDeviceResponse.newBuilder().setDevice(d).build();
        });
    }

    private OperationRequest toRequest(Operation op) {
        for (var server : new Object[][] {{"operationId", op.hasOperationId()}, {"state", op.hasState()},
                {"statusCode", op.hasStatusCode()}, {"resultCode", op.hasResultCode()},
                {"resultText", op.hasResultText()}, {"results", op.getResultsCount() > 0},
                {"timeline", op.getTimelineCount() > 0}, {"resourceURL", op.hasResourceUrl()}}) {
            if ((Boolean) server[1]) {
                throw ApiException.of(ApiError.INVALID_INPUT, "operation." + server[0] + " is set by the server",
                        "operation." + server[0]);
            }
        }
        if (!op.hasType()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "operation.type is missing", "operation.type");
        }
        OperationType type = OperationType.fromWire(op.getType());
        if (type != OperationType.RETRIEVE) {
            throw ApiException.of(ApiError.INVALID_INPUT, "operation.type " + op.getType()
                    + " is not offered yet: retrieve is", "operation.type");
        }
        if (!op.hasDeviceRef()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "operation.deviceRef is missing", "operation.deviceRef");
        }
        DevId devId = deviceRef(op.getDeviceRef());
        SessionMode mode = new SessionMode(op.hasUiMode() ? UiMode.fromWire(op.getUiMode()) : UiMode.BACKGROUND,
                op.hasCustomerCare() && op.getCustomerCare());
        CallbackReference cb = op.hasCallbackReference() ? op.getCallbackReference() : null;
        if (cb != null) {
            // pushing results arrives with the event subscriptions (DMWSI issue): refused rather than ignored
            throw ApiException.of(ApiError.INVALID_INPUT, "callbackReference is not offered yet: pull the result",
                    "operation.callbackReference");
        }
        return new OperationRequest(type, OperationArguments.uris(op.getUrisList().isEmpty() ? null : op.getUrisList()),
                devId, mode, null, null, op.hasClientCorrelator() ? op.getClientCorrelator() : null,
                op.hasTimeoutSeconds() ? op.getTimeoutSeconds() : null);
    }

    private Operation toProto(org.omatwin.core.dm.operation.Operation o) {
        OperationRequest r = o.request();
        Operation.Builder b = Operation.newBuilder()
                .setOperationId(o.operationId())
                .setType(r.type().wire())
                .setDeviceRef(r.devId().value())
                .setCustomerCare(r.mode().customerCare())
                .setUiMode(r.mode().uiMode().wire())
                .setState(o.state().wire())
                .setResourceUrl(publicUrl.get() + "/dmwsi/v1/operations/" + o.operationId());
        if (r.arguments().uris() != null) {
            b.addAllUris(r.arguments().uris());
        }
        set(r.clientCorrelator(), b::setClientCorrelator);
        if (r.timeoutSeconds() != null) {
            b.setTimeoutSeconds(r.timeoutSeconds());
        }
        if (o.statusCode() != null) {
            b.setStatusCode(o.statusCode());
        }
        if (o.resultCode() != null) {
            b.setResultCode(o.resultCode());
        }
        set(o.resultText(), b::setResultText);
        o.results().forEach(v -> b.addResults(NodeValue.newBuilder().setUri(v.uri())
                .setFormat(v.format() == null ? "" : v.format()).setValue(v.value() == null ? "" : v.value())));
        o.timeline().forEach(c -> b.addTimeline(StateChange.newBuilder().setState(c.state().wire())
                .setTime(timestamp(c.time()))));
        return b.build();
    }

    /** The caller's client id; in development (no tokens) every caller is one "development" client. */
    private static Requester requester() {
        return Requester.client(CallerContext.current().map(Caller::subject).orElse("development"));
    }

    private static DevId deviceRef(String ref) {
        try {
            return DevId.of(ref);
        } catch (ApiException e) {
            throw unknownDevice(ref);
        }
    }

    private static ApiException unknownDevice(String ref) {
        return ApiException.of(ApiError.UNKNOWN_ADDRESS, "no device is known as " + ref, "deviceRef");
    }

    private static void set(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

}
