package org.omatwin.core.dm.api;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.function.Supplier;
import org.omatwin.core.dm.notify.DmNotice;
import org.omatwin.core.infra.edge.ContractJson;
import org.omatwin.proto.dmwsi.v1.DmLink;
import org.omatwin.proto.dmwsi.v1.DmNotification;
import org.omatwin.proto.dmwsi.v1.DmNotificationEnvelope;

/**
 * The body POSTed for a DM event (root {@code dmNotification}, section 7): the same JSON as the
 * resources' answers, rendered by the same views.
 */
public final class DmNotificationRenderer implements DmNotice.Renderer {
    private final DmwsiViews views;
    private final DmwsiPolicies policies;

    public DmNotificationRenderer(Supplier<String> publicUrl, DmwsiPolicies policies) {
        this.views = new DmwsiViews(publicUrl);
        this.policies = policies;
    }

    /**
     * Renders the notification as its receiver may see it (identifiers as pseudonyms when its policy
     * says so); the fan-out has already left out receivers whose policy does not reach the device.
     */
    @Override
    public String render(DmNotice n) {
        String clientId = n.subscription() != null ? n.subscription().clientId()
                : n.operation() == null ? null : n.operation().requester().client();
        ClientAccess who = policies.access(clientId).orElseThrow(() -> new IllegalStateException(
                "no policy for " + clientId + ": the fan-out should have left this notification out"));
        String body = render(n, who);
        who.flush();
        return body;
    }

    private String render(DmNotice n, ClientAccess who) {
        DmNotification.Builder b = DmNotification.newBuilder()
                .setEventType(n.event().type().wire())
                .setDeviceRef(who.show(n.event().devId()))
                .setEventTime(DmwsiViews.timestamp(n.event().occurredAt()));
        if (n.operation() != null) {
            b.setOperation(views.operation(n.operation(), who));
        }
        if (n.alert() != null) {
            b.setAlert(DmwsiViews.alert(n.alert()));
        }
        if (n.device() != null) {
            b.setDevice(views.device(n.device(), who));
        }
        if (n.upload() != null) {
            b.setUpload(views.upload(n.upload()));
        }
        DmwsiViews.set(n.callbackData(), b::setCallbackData);
        if (n.subscription() != null) {
            b.addLink(DmLink.newBuilder().setRel("dmSubscription")
                    .setHref(views.base() + "/subscriptions/" + n.subscription().subscriptionId()));
        } else if (n.operation() != null) {
            b.addLink(DmLink.newBuilder().setRel("operation")
                    .setHref(views.base() + "/operations/" + n.operation().operationId()));
        }
        try {
            return ContractJson.print(DmNotificationEnvelope.newBuilder().setDmNotification(b).build());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
