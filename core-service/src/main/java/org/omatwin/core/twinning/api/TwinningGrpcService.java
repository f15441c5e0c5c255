package org.omatwin.core.twinning.api;

import org.omatwin.core.infra.edge.ErrorInterceptor;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Objects;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.subscription.SubscriptionUseCases;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.core.twinning.TwinningUseCases;
import org.omatwin.core.twinning.TwinningView;
import org.omatwin.proto.twinning.v1.*;

/**
 * oma.twinning.v1.TwinningService: translates between the contract's messages and the use cases. It
 * holds no business rule; it checks only the shape of requests (which elements a caller may send).
 */
public final class TwinningGrpcService extends TwinningServiceGrpc.TwinningServiceImplBase {
    private static final FieldDescriptor STATUS_FIELD =
            Twinning.getDescriptor().findFieldByNumber(Twinning.TWINNING_STATUS_FIELD_NUMBER);
    private static final FieldDescriptor NAME_FIELD =
            Twinning.getDescriptor().findFieldByNumber(Twinning.NAME_FIELD_NUMBER);
    private static final FieldDescriptor AUTH_CODE_FIELD =
            Twinning.getDescriptor().findFieldByNumber(Twinning.AUTH_CODE_FIELD_NUMBER);

    private final TwinningUseCases twinnings;
    private final SubscriptionUseCases subscriptions;
    private final ResourceUrls urls;
    private final TwinningMapper mapper;

    public TwinningGrpcService(TwinningUseCases twinnings, SubscriptionUseCases subscriptions, ResourceUrls urls) {
        this.twinnings = twinnings;
        this.subscriptions = subscriptions;
        this.urls = urls;
        this.mapper = new TwinningMapper(urls);
    }

    @Override
    public void createTwinning(CreateTwinningRequest req, StreamObserver<CreateTwinningResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            if (!req.hasTwinning()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the twinning element is missing", "twinning");
            }
            Twinning t = req.getTwinning();
            refuse("resourceURL", t.hasResourceUrl(), "is set by the server");
            if (!t.hasRole()) {
                throw ApiException.of(ApiError.INVALID_ROLE, "role is missing: it must be Primary or Secondary", "role");
            }
            Role role = Role.fromOma(t.getRole()).orElseThrow(() -> ApiException.of(ApiError.INVALID_ROLE,
                    "role must be Primary or Secondary", "role"));
            TwinningView view = role == Role.SECONDARY ? requestCode(user, t) : activate(user, t);
            Twinning created = mapper.toProto(view);
            ResponseMeta.created(created.getResourceUrl());
            return CreateTwinningResponse.newBuilder().setTwinning(created).build();
        });
    }

    private TwinningView requestCode(DeviceAddress user, Twinning t) {
        String why = "is not accepted in a secondary's request";
        refuse("name", t.hasName(), why);
        refuse("activationCode", t.hasActivationCode(), why);
        refuse("twinningStatus", t.hasTwinningStatus(), why);
        refuseServerSet(t);
        Mno primaryMno = null;
        if (t.hasOtherDevice()) {
            OtherDevice od = t.getOtherDevice();
            String odWhy = "is not accepted: only otherDevice.mno may name the primary's operator";
            refuse("otherDevice.address", od.hasAddress(), odWhy);
            refuse("otherDevice.role", od.hasRole(), odWhy);
            refuse("otherDevice.name", od.hasName(), odWhy);
            if (od.hasMno()) {
                primaryMno = new Mno(od.getMno().getMcc(), od.getMno().getMnc());
            }
        }
        return twinnings.requestCode(user, primaryMno, t.hasClientCorrelator() ? t.getClientCorrelator() : null);
    }

    private TwinningView activate(DeviceAddress user, Twinning t) {
        String why = "is not accepted in a primary's request";
        refuse("otherDevice", t.hasOtherDevice(), why);
        refuse("twinningStatus", t.hasTwinningStatus(), why);
        refuseServerSet(t);
        if (!t.hasActivationCode()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "activationCode is missing", "activationCode");
        }
        TwinningActivationCode ac = t.getActivationCode();
        // The object may come back exactly as the secondary was shown it (contract section 2): its
        // expiryTime is ignored, the expiry enforced is the one stored with the code's hash.
        Mno issuer = ac.hasMcc() || ac.hasMnc() ? new Mno(ac.getMcc(), ac.getMnc()) : null;
        return twinnings.activate(user, ac.hasCode() ? ac.getCode() : null, issuer,
                t.hasName() ? t.getName() : null, t.hasClientCorrelator() ? t.getClientCorrelator() : null);
    }

    @Override
    public void listTwinnings(ListTwinningsRequest req, StreamObserver<ListTwinningsResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            DeviceAddress other = req.getOtherDeviceAddress().isEmpty() ? null
                    : DeviceAddress.parse(req.getOtherDeviceAddress(), "otherDeviceAddress");
            String name = req.getName().isEmpty() ? null : req.getName();
            List<TwinningView> views = twinnings.list(user, other, name);
            TwinningList.Builder list = TwinningList.newBuilder().setResourceUrl(urls.twinnings(user));
            views.forEach(v -> list.addTwinning(mapper.toProto(v)));
            return ListTwinningsResponse.newBuilder().setTwinningList(list).build();
        });
    }

    @Override
    public void getTwinning(GetTwinningRequest req, StreamObserver<GetTwinningResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            return GetTwinningResponse.newBuilder()
                    .setTwinning(mapper.toProto(twinnings.get(user, req.getTwinningId())))
                    .build();
        });
    }

    /**
     * Full replace: every element sent, other than twinningStatus and name, must equal the stored one
     * (POL1038), and the resource must be whole: an element the stored resource has and the request
     * lacks is SVC2006 (a body with only twinningStatus is not a patch; the light-weight
     * /twinningStatus and /name resources are). The authCode, shown only until it expires, may be sent
     * as last seen or left out.
     */
    @Override
    public void replaceTwinning(ReplaceTwinningRequest req, StreamObserver<ReplaceTwinningResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            if (!req.hasTwinning()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the twinning element is missing", "twinning");
            }
            TwinningView current = twinnings.get(user, req.getTwinningId());
            Twinning stored = mapper.toProto(current);
            Twinning wanted = req.getTwinning();
            for (FieldDescriptor f : Twinning.getDescriptor().getFields()) {
                if (f.equals(STATUS_FIELD) || f.equals(NAME_FIELD) || !wanted.hasField(f)) {
                    continue;
                }
                Object was = stored.hasField(f) ? stored.getField(f) : null;
                if (f.equals(AUTH_CODE_FIELD) && was == null) {
                    continue;
                }
                if (!Objects.equals(wanted.getField(f), was)) {
                    throw ApiException.of(ApiError.NOT_CHANGEABLE, f.getJsonName() + " cannot be changed by a replace",
                            f.getJsonName());
                }
            }
            for (FieldDescriptor f : Twinning.getDescriptor().getFields()) {
                if (stored.hasField(f) && !wanted.hasField(f) && !f.equals(AUTH_CODE_FIELD)) {
                    throw ApiException.of(ApiError.MISSING_ELEMENT, f.getJsonName() + " is missing: a PUT replaces the "
                            + "whole resource (to change only the status, PUT .../twinningStatus)", f.getJsonName());
                }
            }
            TwinningStatus status = null;
            if (wanted.hasTwinningStatus() && !wanted.getTwinningStatus().equals(stored.getTwinningStatus())) {
                status = toggleTarget(wanted.getTwinningStatus());
            }
            String name = wanted.hasName() ? wanted.getName() : null;
            TwinningView replaced = twinnings.replace(user, req.getTwinningId(), current.version(), status, name);
            return ReplaceTwinningResponse.newBuilder().setTwinning(mapper.toProto(replaced)).build();
        });
    }

    @Override
    public void deleteTwinning(DeleteTwinningRequest req, StreamObserver<DeleteTwinningResponse> out) {
        Unary.respond(out, () -> {
            twinnings.deactivate(PathUser.current(), req.getTwinningId());
            return DeleteTwinningResponse.getDefaultInstance();
        });
    }

    @Override
    public void getTwinningStatus(GetTwinningStatusRequest req, StreamObserver<GetTwinningStatusResponse> out) {
        Unary.respond(out, () -> {
            TwinningView v = twinnings.get(PathUser.current(), req.getTwinningId());
            return GetTwinningStatusResponse.newBuilder().setTwinningStatus(v.status().omaName()).build();
        });
    }

    @Override
    public void updateTwinningStatus(UpdateTwinningStatusRequest req,
            StreamObserver<UpdateTwinningStatusResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            if (!req.hasTwinningStatus()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "twinningStatus is missing", "twinningStatus");
            }
            TwinningStatus now = twinnings.setStatus(user, req.getTwinningId(), toggleTarget(req.getTwinningStatus()));
            return UpdateTwinningStatusResponse.newBuilder().setTwinningStatus(now.omaName()).build();
        });
    }

    @Override
    public void getTwinningName(GetTwinningNameRequest req, StreamObserver<GetTwinningNameResponse> out) {
        Unary.respond(out, () -> {
            TwinningView v = twinnings.get(PathUser.current(), req.getTwinningId());
            GetTwinningNameResponse.Builder b = GetTwinningNameResponse.newBuilder();
            if (v.name() != null) {
                b.setName(v.name());
            }
            return b.build();
        });
    }

    @Override
    public void updateTwinningName(UpdateTwinningNameRequest req, StreamObserver<UpdateTwinningNameResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            if (!req.hasName()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "name is missing", "name");
            }
            String name = twinnings.rename(user, req.getTwinningId(), req.getName());
            return UpdateTwinningNameResponse.newBuilder().setName(name).build();
        });
    }

    @Override
    public void createSubscription(CreateSubscriptionRequest req, StreamObserver<CreateSubscriptionResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            if (!req.hasTwinningSubscription()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the twinningSubscription element is missing",
                        "twinningSubscription");
            }
            TwinningSubscription s = req.getTwinningSubscription();
            refuse("resourceURL", s.hasResourceUrl(), "is set by the server");
            if (!s.hasCallbackReference()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "callbackReference is missing", "callbackReference");
            }
            CallbackReference cb = s.getCallbackReference();
            var created = subscriptions.create(user, cb.hasNotifyUrl() ? cb.getNotifyUrl() : null,
                    cb.hasCallbackData() ? cb.getCallbackData() : null,
                    cb.hasNotificationFormat() ? cb.getNotificationFormat() : null,
                    s.hasDuration() ? s.getDuration() : null,
                    s.hasClientCorrelator() ? s.getClientCorrelator() : null);
            TwinningSubscription made = mapper.toProto(created);
            ResponseMeta.created(made.getResourceUrl());
            return CreateSubscriptionResponse.newBuilder().setTwinningSubscription(made).build();
        });
    }

    @Override
    public void listSubscriptions(ListSubscriptionsRequest req, StreamObserver<ListSubscriptionsResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            SubscriptionList.Builder list = SubscriptionList.newBuilder().setResourceUrl(urls.subscriptions(user));
            subscriptions.list(user).forEach(s -> list.addTwinningSubscription(mapper.toProto(s)));
            return ListSubscriptionsResponse.newBuilder().setSubscriptionList(list).build();
        });
    }

    @Override
    public void getSubscription(GetSubscriptionRequest req, StreamObserver<GetSubscriptionResponse> out) {
        Unary.respond(out, () -> {
            DeviceAddress user = PathUser.current();
            return GetSubscriptionResponse.newBuilder()
                    .setTwinningSubscription(mapper.toProto(subscriptions.get(user, req.getSubscriptionId())))
                    .build();
        });
    }

    @Override
    public void deleteSubscription(DeleteSubscriptionRequest req, StreamObserver<DeleteSubscriptionResponse> out) {
        Unary.respond(out, () -> {
            subscriptions.delete(PathUser.current(), req.getSubscriptionId());
            return DeleteSubscriptionResponse.getDefaultInstance();
        });
    }

    private static TwinningStatus toggleTarget(String value) {
        return TwinningStatus.fromToggle(value).orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT,
                "twinningStatus must be On or Off", "twinningStatus"));
    }

    private static void refuseServerSet(Twinning t) {
        String why = "is set by the server";
        refuse("authCode", t.hasAuthCode(), why);
        refuse("primaryDeviceVMAddress", t.hasPrimaryDeviceVmAddress(), why);
        refuse("ownAddress", t.hasOwnAddress(), why);
    }

    private static void refuse(String element, boolean present, String why) {
        if (present) {
            throw ApiException.of(ApiError.INVALID_INPUT, element + " " + why, element);
        }
    }

    /** Unary reply: the use case has committed before onNext is called. Failures go to ErrorInterceptor. */
}
