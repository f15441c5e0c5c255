package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.policy.Permission;
import org.omatwin.core.dm.network.NetworkParameters;
import org.omatwin.proto.dmwsi.v1.DeviceList;
import org.omatwin.proto.dmwsi.v1.GetNetworkParametersRequest;
import org.omatwin.proto.dmwsi.v1.GetNetworkParametersResponse;
import org.omatwin.proto.dmwsi.v1.ListDevicesRequest;
import org.omatwin.proto.dmwsi.v1.ListDevicesResponse;
import org.omatwin.proto.dmwsi.v1.NetworkParameter;
import org.omatwin.proto.dmwsi.v1.NetworkParameterList;
import org.omatwin.proto.dmwsi.v1.NetworkParameterValue;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.dmwsi.Accepted;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.proto.dmwsi.v1.CancelOperationRequest;
import org.omatwin.proto.dmwsi.v1.CancelOperationResponse;
import org.omatwin.proto.dmwsi.v1.CreateOperationRequest;
import org.omatwin.proto.dmwsi.v1.CreateOperationResponse;
import org.omatwin.proto.dmwsi.v1.Device;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc;
import org.omatwin.proto.dmwsi.v1.GetDeviceRequest;
import org.omatwin.proto.dmwsi.v1.GetDeviceResponse;
import org.omatwin.proto.dmwsi.v1.GetDeviceTreeRequest;
import org.omatwin.proto.dmwsi.v1.GetDeviceTreeResponse;
import org.omatwin.proto.dmwsi.v1.GetDiscoveryRequest;
import org.omatwin.proto.dmwsi.v1.GetDiscoveryResponse;
import org.omatwin.proto.dmwsi.v1.GetOperationRequest;
import org.omatwin.proto.dmwsi.v1.GetOperationResponse;
import org.omatwin.proto.dmwsi.v1.DmSubscriptionsProto;
import org.omatwin.proto.dmwsi.v1.ProvisioningProto;
import org.omatwin.proto.dmwsi.v1.DmwsiProto;
import org.omatwin.proto.dmwsi.v1.TransactionsProto;
import org.omatwin.proto.dmwsi.v1.ListOperationUploadsRequest;
import org.omatwin.proto.dmwsi.v1.ListOperationUploadsResponse;
import org.omatwin.proto.dmwsi.v1.ListOperationsRequest;
import org.omatwin.proto.dmwsi.v1.ListOperationsResponse;
import org.omatwin.proto.dmwsi.v1.NodeList;
import org.omatwin.proto.dmwsi.v1.NodeValue;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.proto.dmwsi.v1.OperationList;
import org.omatwin.proto.dmwsi.v1.UploadList;

/**
 * {@code oma.dmwsi.v1.DeviceManagementService} (dm-api.md section 4): translates between protobuf and
 * the DM domain; the requester is the authenticated OAuth client. An operation is visible only to
 * the client that made it. Every operation type of section 4 is served; the package-based ones name a
 * Verified package of the same client (section 8).
 */
public final class DeviceManagementGrpcService extends DeviceManagementServiceGrpc.DeviceManagementServiceImplBase {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int MAX_WAIT_SECONDS = 30;

    private final OperationUseCases operations;
    private final Transactions<DmStore> devices;
    private final Supplier<String> publicUrl;
    private final OperationWaits waits;
    private final DmwsiViews views;
    private final NetworkParameters networkParameters;
    private final OperationForms forms;

    /**
     * @param publicUrl the REST base (e.g. http://localhost:8080) for resourceURLs
     * @param waitScheduler where {@code ?waitSeconds} checks run (see {@link OperationWaits})
     * @param networkParameters the operator's network parameters (ES8), from configuration
     */
    public DeviceManagementGrpcService(OperationUseCases operations, Transactions<DmStore> devices,
            Supplier<String> publicUrl, ScheduledExecutorService waitScheduler, NetworkParameters networkParameters) {
        this.operations = operations;
        this.devices = devices;
        this.publicUrl = publicUrl;
        this.waits = new OperationWaits(waitScheduler);
        this.views = new DmwsiViews(publicUrl);
        this.networkParameters = networkParameters;
        this.forms = new OperationForms(networkParameters);
    }

    @Override
    public void createOperation(CreateOperationRequest req, StreamObserver<CreateOperationResponse> out) {
        Unary.respond(out, () -> {
            if (!req.hasOperation()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the operation element is missing", "operation");
            }
            ClientAccess access = ClientAccess.current();
            Accepted accepted = operations.accept(requester(), toRequest(req.getOperation(), access),
                    access.policy());
            Operation op = toProto(accepted.operation());
            if (accepted.created()) {
                ResponseMeta.created(op.getResourceUrl());
            } else {
                ResponseMeta.existing(op.getResourceUrl());
            }
            return CreateOperationResponse.newBuilder().setOperation(op).build();
        });
    }

    /**
     * One operation; with {@code waitSeconds} the answer waits (without holding a thread) until the
     * operation is final or the time is up, then shows it as it is.
     */
    @Override
    public void getOperation(GetOperationRequest req, StreamObserver<GetOperationResponse> out) {
        Requester requester = requester();
        int wait = req.hasWaitSeconds() ? req.getWaitSeconds() : 0;
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw ApiException.of(ApiError.INVALID_INPUT, "waitSeconds is 0 to " + MAX_WAIT_SECONDS, "waitSeconds");
        }
        org.omatwin.core.dm.operation.Operation now = operations.get(requester, req.getOperationId());
        if (wait == 0 || now.isFinal()) {
            Unary.respond(out, () -> GetOperationResponse.newBuilder().setOperation(toProto(now)).build());
            return;
        }
        ClientAccess access = ClientAccess.current(); // the checks run on the wait scheduler, outside the call
        waits.await(out, () -> operations.get(requester, req.getOperationId()),
                org.omatwin.core.dm.operation.Operation::isFinal,
                o -> GetOperationResponse.newBuilder().setOperation(views.operation(o, access)).build(),
                Duration.ofSeconds(wait));
    }

    @Override
    public void listOperations(ListOperationsRequest req, StreamObserver<ListOperationsResponse> out) {
        Unary.respond(out, () -> {
            int limit = limit(req.hasLimit() ? req.getLimit() : null);
            int offset = offset(req.hasPageToken() ? req.getPageToken() : null);
            List<org.omatwin.core.dm.operation.Operation> page = operations.list(requester(), offset, limit + 1);
            OperationList.Builder list = OperationList.newBuilder()
                    .setResourceUrl(publicUrl.get() + "/dmwsi/v1/operations");
            page.stream().limit(limit).forEach(o -> list.addOperation(toProto(o)));
            if (page.size() > limit) {
                list.setNextPageToken(pageToken(offset + limit));
            }
            return ListOperationsResponse.newBuilder().setOperationList(list).build();
        });
    }

    @Override
    public void cancelOperation(CancelOperationRequest req, StreamObserver<CancelOperationResponse> out) {
        Unary.respond(out, () -> CancelOperationResponse.newBuilder()
                .setOperation(toProto(operations.cancel(requester(), req.getOperationId()))).build());
    }

    @Override
    public void listOperationUploads(ListOperationUploadsRequest req,
            StreamObserver<ListOperationUploadsResponse> out) {
        Unary.respond(out, () -> {
            int limit = limit(req.hasLimit() ? req.getLimit() : null);
            int offset = offset(req.hasPageToken() ? req.getPageToken() : null);
            List<Upload> uploads = operations.uploads(requester(), req.getOperationId());
            UploadList.Builder list = UploadList.newBuilder().setResourceUrl(publicUrl.get()
                    + "/dmwsi/v1/operations/" + req.getOperationId() + "/uploads");
            uploads.stream().skip(offset).limit(limit).forEach(u -> list.addUpload(views.upload(u)));
            if (uploads.size() > (long) offset + limit) {
                list.setNextPageToken(pageToken(offset + limit));
            }
            return ListOperationUploadsResponse.newBuilder().setUploadList(list).build();
        });
    }

    @Override
    public void getDevice(GetDeviceRequest req, StreamObserver<GetDeviceResponse> out) {
        Unary.respond(out, () -> GetDeviceResponse.newBuilder()
                .setDevice(toProto(knownDevice(ClientAccess.current().device(req.getDeviceRef()),
                        req.getDeviceRef()))).build());
    }

    /**
     * Devices matching the filter, from the store only (OM1, OM2): ordered by devId, paged by the last
     * devId of the page; the page token carries a digest of the filter, so it only continues that list.
     */
    @Override
    public void listDevices(ListDevicesRequest req, StreamObserver<ListDevicesResponse> out) {
        Unary.respond(out, () -> {
            ClientAccess access = ClientAccess.current();
            String text = req.hasFilter() ? req.getFilter() : "";
            DeviceFilter filter = text.isEmpty() ? null : DeviceFilter.parse(text);
            if (filter != null && access.pseudonymous() && filter.anyOf().stream().flatMap(List::stream)
                    .anyMatch(t -> t.field() == DeviceFilter.Field.LINE)) {
                // a line in a filter would tie a pseudonym to the line
                throw ApiException.of(ApiError.NOT_PERMITTED, "this client sees pseudonyms only and may not filter "
                        + "by line", "filter");
            }
            int limit = limit(req.hasLimit() ? req.getLimit() : null);
            String afterRef = DevicePageToken.after(req.hasPageToken() ? req.getPageToken() : null, text);
            DevId after = afterRef == null ? null : access.pseudonymous() ? access.device(afterRef) : DevId.of(afterRef);
            List<DeviceProfile> page = devices.read(store -> store.devices(filter, access.policy().reach(), after,
                    limit + 1));
            DeviceList.Builder list = DeviceList.newBuilder().setResourceUrl(publicUrl.get() + "/dmwsi/v1/devices"
                    + (text.isEmpty() ? "" : "?filter=" + URLEncoder.encode(text, StandardCharsets.UTF_8)));
            page.stream().limit(limit).forEach(p -> list.addDevice(toProto(p)));
            if (page.size() > limit) {
                // the token names the last device as this client sees it: a pseudonym for a pseudonymous one
                list.setNextPageToken(DevicePageToken.of(access.show(page.get(limit - 1).devId()), text));
            }
            return ListDevicesResponse.newBuilder().setDeviceList(list).build();
        });
    }

    /** ES8: the operator's network parameters as configured; secret values are delivered, never shown. */
    @Override
    public void getNetworkParameters(GetNetworkParametersRequest req,
            StreamObserver<GetNetworkParametersResponse> out) {
        Unary.respond(out, () -> {
            int limit = limit(req.hasLimit() ? req.getLimit() : null);
            int offset = offset(req.hasPageToken() ? req.getPageToken() : null);
            List<org.omatwin.core.dm.network.NetworkParameter> all = networkParameters.all();
            NetworkParameterList.Builder list = NetworkParameterList.newBuilder()
                    .setResourceUrl(publicUrl.get() + "/dmwsi/v1/network-parameters");
            all.stream().skip(offset).limit(limit).forEach(p -> {
                NetworkParameter.Builder b = NetworkParameter.newBuilder().setId(p.id()).setKind(p.kind());
                DmwsiViews.set(p.description(), b::setDescription);
                p.values().forEach(v -> {
                    NetworkParameterValue.Builder value = NetworkParameterValue.newBuilder().setUri(v.uri())
                            .setSecret(v.secret());
                    DmwsiViews.set(v.secret() ? null : v.value(), value::setValue);
                    DmwsiViews.set(v.format(), value::setFormat);
                    b.addValues(value);
                });
                list.addNetworkParameter(b);
            });
            if (all.size() > (long) offset + limit) {
                list.setNextPageToken(pageToken(offset + limit));
            }
            return GetNetworkParametersResponse.newBuilder().setNetworkParameterList(list).build();
        });
    }

    /** The last known values at and under a node (OES8), from the store only: the device is not contacted. */
    @Override
    public void getDeviceTree(GetDeviceTreeRequest req, StreamObserver<GetDeviceTreeResponse> out) {
        Unary.respond(out, () -> {
            String uri = req.hasUri() ? req.getUri() : "./";
            if (!(uri.equals(".") || uri.startsWith("./")) || uri.contains("/../") || uri.endsWith("/..")
                    || (uri.length() > 2 && uri.endsWith("/")) || uri.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.of(ApiError.INVALID_INPUT, "uri is a node from ./ without .. segments", "uri");
            }
            int limit = limit(req.hasLimit() ? req.getLimit() : null);
            int offset = offset(req.hasPageToken() ? req.getPageToken() : null);
            ClientAccess access = ClientAccess.current();
            DevId devId = access.device(req.getDeviceRef());
            knownDevice(devId, req.getDeviceRef());
            // reading a node reads its subtree: the rules must let this client read the node itself
            access.policy().check(Permission.READ, uri);
            List<org.omatwin.core.dm.device.NodeValue> nodes = devices.read(store -> store.tree(devId, uri));
            NodeList.Builder list = NodeList.newBuilder().setUri(uri).setResourceUrl(publicUrl.get()
                    + "/dmwsi/v1/devices/" + access.show(devId) + "/tree?uri=" + URLEncoder.encode(uri,
                            StandardCharsets.UTF_8));
            nodes.stream().skip(offset).limit(limit).forEach(v -> list.addNode(NodeValue.newBuilder()
                    .setUri(v.uri()).setFormat(v.format() == null ? "" : v.format())
                    .setValue(v.value() == null ? "" : v.value()).setTime(DmwsiViews.timestamp(v.time()))));
            if (nodes.size() > (long) offset + limit) {
                list.setNextPageToken(pageToken(offset + limit));
            }
            return GetDeviceTreeResponse.newBuilder().setNodeList(list).build();
        });
    }

    @Override
    public void getDiscovery(GetDiscoveryRequest req, StreamObserver<GetDiscoveryResponse> out) {
        Unary.respond(out, () -> GetDiscoveryResponse.newBuilder().setDiscovery(DmwsiDiscovery.of(List.of(
                DmwsiProto.getDescriptor().findServiceByName("DeviceManagementService"),
                DmSubscriptionsProto.getDescriptor().findServiceByName("DmSubscriptionService"),
                TransactionsProto.getDescriptor().findServiceByName("TransactionService"),
                ProvisioningProto.getDescriptor().findServiceByName("ProvisioningService"),
                org.omatwin.proto.dmwsi.v1.JobsProto.getDescriptor().findServiceByName("JobService"),
                org.omatwin.proto.dmwsi.v1.PackagesProto.getDescriptor().findServiceByName("PackageService")),
                publicUrl.get())).build());
    }

    private OperationRequest toRequest(Operation op, ClientAccess access) {
        if (!op.hasDeviceRef()) {
            forms.request(op, null); // the operation's own faults first, as before the device is looked up
        }
        DevId devId = access.device(op.getDeviceRef());
        return forms.request(op, devId);
    }

    private Operation toProto(org.omatwin.core.dm.operation.Operation o) {
        return views.operation(o, ClientAccess.current());
    }

    /** A device profile as GetDevice and ListDevices show it (root "device"). */
    private Device toProto(DeviceProfile p) {
        return views.device(p, ClientAccess.current());
    }

    private DeviceProfile knownDevice(DevId devId, String ref) {
        return devices.read(store -> store.findDevice(devId)).filter(d -> d.lastSeen() != null)
                .orElseThrow(() -> ClientAccess.unknown(ref));
    }

    static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.of(ApiError.INVALID_INPUT, "limit is 1 to " + MAX_LIMIT, "limit");
        }
        return limit;
    }

    /** Page tokens are opaque to callers: the offset of the next page, so a list is read newest first. */
    static String pageToken(int offset) {
        return PageTokens.of("p1", offset);
    }

    static int offset(String token) {
        long offset = PageTokens.read("p1", token);
        if (offset > Integer.MAX_VALUE) {
            throw ApiException.of(ApiError.INVALID_INPUT, "pageToken is not one this server made", "pageToken");
        }
        return (int) offset;
    }

    /** The caller's client id; in development (no tokens) every caller is one "development" client. */
    private static Requester requester() {
        return Requester.client(DmwsiCallers.clientId());
    }



}
