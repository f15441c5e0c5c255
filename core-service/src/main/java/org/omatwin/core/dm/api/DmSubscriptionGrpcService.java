package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.subscription.SubscriptionRequest;
import org.omatwin.core.dm.subscription.SubscriptionUseCases;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.v1.CreateSubscriptionRequest;
import org.omatwin.proto.dmwsi.v1.CreateSubscriptionResponse;
import org.omatwin.proto.dmwsi.v1.DeleteSubscriptionRequest;
import org.omatwin.proto.dmwsi.v1.DeleteSubscriptionResponse;
import org.omatwin.proto.dmwsi.v1.DmSubscription;
import org.omatwin.proto.dmwsi.v1.DmSubscriptionList;
import org.omatwin.proto.dmwsi.v1.DmSubscriptionServiceGrpc;
import org.omatwin.proto.dmwsi.v1.GetSubscriptionRequest;
import org.omatwin.proto.dmwsi.v1.GetSubscriptionResponse;
import org.omatwin.proto.dmwsi.v1.ListSubscriptionsRequest;
import org.omatwin.proto.dmwsi.v1.ListSubscriptionsResponse;

/**
 * {@code oma.dmwsi.v1.DmSubscriptionService} (section 7): translates between protobuf and the
 * subscription use cases; the subscriber is the authenticated OAuth client, and each deviceRef is
 * resolved as for every DMWSI request.
 */
public final class DmSubscriptionGrpcService extends DmSubscriptionServiceGrpc.DmSubscriptionServiceImplBase {
    private final SubscriptionUseCases subscriptions;
    private final DmwsiViews views;

    public DmSubscriptionGrpcService(SubscriptionUseCases subscriptions, java.util.function.Supplier<String> publicUrl) {
        this.subscriptions = subscriptions;
        this.views = new DmwsiViews(publicUrl);
    }

    @Override
    public void createSubscription(CreateSubscriptionRequest req, StreamObserver<CreateSubscriptionResponse> out) {
        Unary.respond(out, () -> {
            if (!req.hasDmSubscription()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the dmSubscription element is missing",
                        "dmSubscription");
            }
            var created = subscriptions.create(DmwsiCallers.clientId(), toRequest(req.getDmSubscription()));
            DmSubscription s = toProto(created.subscription());
            if (created.created()) {
                ResponseMeta.created(s.getResourceUrl());
            } else {
                ResponseMeta.existing(s.getResourceUrl());
            }
            return CreateSubscriptionResponse.newBuilder().setDmSubscription(s).build();
        });
    }

    @Override
    public void getSubscription(GetSubscriptionRequest req, StreamObserver<GetSubscriptionResponse> out) {
        Unary.respond(out, () -> GetSubscriptionResponse.newBuilder()
                .setDmSubscription(toProto(subscriptions.get(DmwsiCallers.clientId(), req.getSubscriptionId())))
                .build());
    }

    @Override
    public void listSubscriptions(ListSubscriptionsRequest req, StreamObserver<ListSubscriptionsResponse> out) {
        Unary.respond(out, () -> {
            int limit = DeviceManagementGrpcService.limit(req.hasLimit() ? req.getLimit() : null);
            int offset = DeviceManagementGrpcService.offset(req.hasPageToken() ? req.getPageToken() : null);
            var page = subscriptions.list(DmwsiCallers.clientId(), offset, limit + 1);
            DmSubscriptionList.Builder list = DmSubscriptionList.newBuilder()
                    .setResourceUrl(views.base() + "/subscriptions");
            page.stream().limit(limit).forEach(s -> list.addDmSubscription(toProto(s)));
            if (page.size() > limit) {
                list.setNextPageToken(DeviceManagementGrpcService.pageToken(offset + limit));
            }
            return ListSubscriptionsResponse.newBuilder().setDmSubscriptionList(list).build();
        });
    }

    @Override
    public void deleteSubscription(DeleteSubscriptionRequest req, StreamObserver<DeleteSubscriptionResponse> out) {
        Unary.respond(out, () -> {
            subscriptions.delete(DmwsiCallers.clientId(), req.getSubscriptionId());
            return DeleteSubscriptionResponse.getDefaultInstance();
        });
    }

    private SubscriptionRequest toRequest(DmSubscription s) {
        if (s.hasSubscriptionId() || s.hasExpiryTime() || s.hasResourceUrl()) {
            String element = s.hasSubscriptionId() ? "subscriptionId" : s.hasExpiryTime() ? "expiryTime"
                    : "resourceURL";
            throw ApiException.of(ApiError.INVALID_INPUT, "dmSubscription." + element + " is set by the server",
                    "dmSubscription." + element);
        }
        if (!s.hasCallbackReference()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "dmSubscription.callbackReference is missing",
                    "dmSubscription.callbackReference");
        }
        Set<DmEventType> types = EnumSet.noneOf(DmEventType.class);
        for (String wire : s.getEventTypesList()) {
            types.add(DmEventType.fromWire(wire).orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT,
                    "unknown event type " + quoted(wire) + "; one of " + wires(), "dmSubscription.eventTypes")));
        }
        if (types.size() != s.getEventTypesCount()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "an event type is named twice", "dmSubscription.eventTypes");
        }
        if (new java.util.HashSet<>(s.getAlertTypesList()).size() != s.getAlertTypesCount()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "an alert type is named twice", "dmSubscription.alertTypes");
        }
        if (s.getDeviceRefsCount() > SubscriptionUseCases.MAX_DEVICES) {
            throw ApiException.of(ApiError.INVALID_INPUT, "at most " + SubscriptionUseCases.MAX_DEVICES
                    + " deviceRefs; subscribe to all devices instead", "dmSubscription.deviceRefs");
        }
        List<DevId> devices = new ArrayList<>();
        // each resolved, and within the client's reach, as for operations (ClientAccess)
        s.getDeviceRefsList().forEach(ref -> devices.add(ClientAccess.current().device(ref)));
        return new SubscriptionRequest(OperationForms.callbackReference(s.getCallbackReference(),
                "dmSubscription.callbackReference"), types, Set.copyOf(s.getAlertTypesList()), devices,
                s.hasDuration() ? s.getDuration() : null, s.hasClientCorrelator() ? s.getClientCorrelator() : null);
    }

    private DmSubscription toProto(org.omatwin.core.dm.subscription.DmSubscription s) {
        SubscriptionRequest r = s.request();
        DmSubscription.Builder b = DmSubscription.newBuilder()
                .setSubscriptionId(s.subscriptionId())
                .setCallbackReference(DmwsiViews.callbackReference(r.callback().notifyUrl().toString(),
                        r.callback().callbackData()))
                .addAllEventTypes(r.eventTypes().stream().map(DmEventType::wire).toList())
                .addAllAlertTypes(r.alertTypes())
                .addAllDeviceRefs(r.devices().stream().map(ClientAccess.current()::show).toList())
                .setResourceUrl(views.base() + "/subscriptions/" + s.subscriptionId());
        if (r.durationSeconds() != null) {
            b.setDuration(r.durationSeconds());
        }
        DmwsiViews.set(r.clientCorrelator(), b::setClientCorrelator);
        if (s.expiresAt() != null) {
            b.setExpiryTime(DmwsiViews.timestamp(s.expiresAt()));
        }
        return b.build();
    }

    private static String quoted(String wire) {
        return "\"" + (wire.length() > 40 ? wire.substring(0, 40) + "..." : wire) + "\"";
    }

    private static String wires() {
        return String.join(", ", java.util.Arrays.stream(DmEventType.values()).map(DmEventType::wire).toList());
    }
}
