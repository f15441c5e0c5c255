package org.omatwin.core.twinning.api;

import org.omatwin.core.twinning.notify.OutboxEvent;
import org.omatwin.core.twinning.notify.TwinningFanOut;
import com.google.protobuf.InvalidProtocolBufferException;
import org.omatwin.core.infra.edge.ContractJson;
import org.omatwin.core.twinning.subscription.Subscription;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.TwinningView;
import org.omatwin.proto.twinning.v1.Link;
import org.omatwin.proto.twinning.v1.TwinningNotification;
import org.omatwin.proto.twinning.v1.TwinningNotificationEnvelope;

/** Renders {"twinningNotification": ...} for one receiving subscription, at fan-out time. */
public final class NotificationRenderer implements TwinningFanOut.Renderer {
    private final ResourceUrls urls;
    private final TwinningMapper mapper;

    public NotificationRenderer(ResourceUrls urls) {
        this.urls = urls;
        this.mapper = new TwinningMapper(urls);
    }

    @Override
    public String render(OutboxEvent e, Subscription s, Role recipient) {
        TwinningView view = TwinningView.of(e.twinning().asOf(e.event().status(), e.event().name()), recipient, null,
                java.time.Instant.now());
        TwinningNotification.Builder n = TwinningNotification.newBuilder()
                .setEventType(e.event().type().omaName())
                .setTwinning(mapper.toProto(view))
                .setEventTime(TwinningMapper.timestamp(e.event().occurredAt()))
                .addLink(Link.newBuilder().setRel("TwinningSubscription")
                        .setHref(urls.subscription(s.device(), s.id())));
        if (s.callbackData() != null) {
            n.setCallbackData(s.callbackData());
        }
        try {
            return ContractJson.print(TwinningNotificationEnvelope.newBuilder().setTwinningNotification(n)
                    .build());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
