package org.omatwin.core.twinning.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.stream.Collectors;
import org.omatwin.core.twinning.notify.EventBus;
import org.omatwin.core.twinning.notify.OutboxEvent;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.proto.twinning.v1.TwinningEvent;
import org.omatwin.proto.twinning.v1.TwinningEventServiceGrpc;
import org.omatwin.proto.twinning.v1.WatchTwinningEventsRequest;
import org.omatwin.proto.twinning.v1.WatchTwinningEventsResponse;

/** oma.twinning.v1.TwinningEventService: committed events streamed to server-side consumers. */
public final class TwinningEventGrpcService extends TwinningEventServiceGrpc.TwinningEventServiceImplBase {
    private final EventBus bus;

    public TwinningEventGrpcService(EventBus bus) {
        this.bus = bus;
    }

    @Override
    public void watchTwinningEvents(WatchTwinningEventsRequest req,
            StreamObserver<WatchTwinningEventsResponse> out) {
        Set<DeviceAddress> devices = req.getDeviceAddressesList().stream()
                .map(a -> DeviceAddress.parse(a, "deviceAddresses"))
                .collect(Collectors.toUnmodifiableSet());
        ServerCallStreamObserver<WatchTwinningEventsResponse> call =
                (ServerCallStreamObserver<WatchTwinningEventsResponse>) out;
        Runnable unsubscribe = bus.subscribe(e -> {
            Twinning t = e.twinning();
            if (devices.isEmpty() || devices.contains(t.secondary()) || devices.contains(t.primary())) {
                synchronized (call) {
                    if (!call.isCancelled()) {
                        call.onNext(WatchTwinningEventsResponse.newBuilder().setEvent(toProto(e)).build());
                    }
                }
            }
        });
        call.setOnCancelHandler(unsubscribe::run);
        call.setOnCloseHandler(unsubscribe::run);
    }

    static TwinningEvent toProto(OutboxEvent e) {
        var ev = e.event();
        TwinningEvent.Builder b = TwinningEvent.newBuilder()
                .setEventId(e.eventId())
                .setTwinningId(ev.twinningId())
                .setEventType(ev.type().omaName())
                .setActorRole(ev.actorRole().omaName())
                .setActorAddress(ev.actor().value())
                .setSecondaryAddress(e.twinning().secondary().value())
                .setTwinningStatus(ev.status().omaName())
                .setOccurredAt(TwinningMapper.timestamp(ev.occurredAt()));
        if (e.twinning().primary() != null) {
            b.setPrimaryAddress(e.twinning().primary().value());
        }
        if (ev.name() != null) {
            b.setName(ev.name());
        }
        return b.build();
    }
}
