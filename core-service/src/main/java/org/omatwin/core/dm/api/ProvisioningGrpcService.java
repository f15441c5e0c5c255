package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.omatwin.core.dm.account.ProvisioningUseCases;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.v1.DeleteSubscriberRequest;
import org.omatwin.proto.dmwsi.v1.DeleteSubscriberResponse;
import org.omatwin.proto.dmwsi.v1.GetSubscriberRequest;
import org.omatwin.proto.dmwsi.v1.GetSubscriberResponse;
import org.omatwin.proto.dmwsi.v1.ProvisioningServiceGrpc;
import org.omatwin.proto.dmwsi.v1.PutSubscriberRequest;
import org.omatwin.proto.dmwsi.v1.PutSubscriberResponse;
import org.omatwin.proto.dmwsi.v1.Subscriber;
import org.omatwin.proto.dmwsi.v1.SubscriberLine;

/**
 * {@code oma.dmwsi.v1.ProvisioningService} (section 3, ES9, ES12): translates between protobuf and
 * {@link ProvisioningUseCases}; the caller is any client holding {@code oma_dmwsi.provision} (the BSS).
 */
public final class ProvisioningGrpcService extends ProvisioningServiceGrpc.ProvisioningServiceImplBase {
    private final ProvisioningUseCases provisioning;
    private final DmwsiViews views;

    public ProvisioningGrpcService(ProvisioningUseCases provisioning, java.util.function.Supplier<String> publicUrl) {
        this.provisioning = provisioning;
        this.views = new DmwsiViews(publicUrl);
    }

    @Override
    public void putSubscriber(PutSubscriberRequest req, StreamObserver<PutSubscriberResponse> out) {
        Unary.respond(out, () -> {
            if (!req.hasSubscriber()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the subscriber element is missing", "subscriber");
            }
            Subscriber s = req.getSubscriber();
            if (s.hasProvisionedTime() || s.hasResourceUrl()) {
                String element = s.hasProvisionedTime() ? "provisionedTime" : "resourceURL";
                throw ApiException.of(ApiError.INVALID_INPUT, "subscriber." + element + " is set by the server",
                        "subscriber." + element);
            }
            if (s.hasSubscriberId() && !s.getSubscriberId().equals(req.getSubscriberId())) {
                throw ApiException.of(ApiError.INVALID_INPUT, "subscriber.subscriberId differs from the path",
                        "subscriber.subscriberId");
            }
            var replaced = provisioning.replace(DmwsiCallers.clientId(), req.getSubscriberId(), s.getLinesList().stream()
                    .map(l -> new ProvisioningUseCases.LineInput(l.getMsisdn(), l.hasIccid() ? l.getIccid() : null,
                            l.getDevicesList()))
                    .toList());
            Subscriber view = toProto(replaced.subscriber());
            if (replaced.created()) {
                ResponseMeta.created(view.getResourceUrl());
            }
            return PutSubscriberResponse.newBuilder().setSubscriber(view).build();
        });
    }

    @Override
    public void getSubscriber(GetSubscriberRequest req, StreamObserver<GetSubscriberResponse> out) {
        Unary.respond(out, () -> GetSubscriberResponse.newBuilder()
                .setSubscriber(toProto(provisioning.get(req.getSubscriberId()))).build());
    }

    @Override
    public void deleteSubscriber(DeleteSubscriberRequest req, StreamObserver<DeleteSubscriberResponse> out) {
        Unary.respond(out, () -> {
            provisioning.delete(DmwsiCallers.clientId(), req.getSubscriberId());
            return DeleteSubscriberResponse.getDefaultInstance();
        });
    }

    private Subscriber toProto(org.omatwin.core.subscriber.Subscriber s) {
        Subscriber.Builder b = Subscriber.newBuilder().setSubscriberId(s.subscriberId())
                .setProvisionedTime(DmwsiViews.timestamp(s.provisionedAt()))
                .setResourceUrl(views.base() + "/subscribers/"
                        + URLEncoder.encode(s.subscriberId(), StandardCharsets.UTF_8));
        for (var line : s.lines()) {
            SubscriberLine.Builder l = SubscriberLine.newBuilder().setMsisdn(line.msisdn()).addAllDevices(line.devices());
            DmwsiViews.set(line.iccid(), l::setIccid);
            b.addLines(l);
        }
        return b.build();
    }
}
