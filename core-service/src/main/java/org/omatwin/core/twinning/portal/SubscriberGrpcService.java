package org.omatwin.core.twinning.portal;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.Set;
import org.omatwin.core.twinning.api.TwinningMapper;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.notify.EventBus;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.core.twinning.TwinningView;
import org.omatwin.proto.portal.v1.ActivateDeviceRequest;
import org.omatwin.proto.portal.v1.ActivateDeviceResponse;
import org.omatwin.proto.portal.v1.DeactivateTwinningRequest;
import org.omatwin.proto.portal.v1.DeactivateTwinningResponse;
import org.omatwin.proto.portal.v1.GetTwinningHistoryRequest;
import org.omatwin.proto.portal.v1.GetTwinningHistoryResponse;
import org.omatwin.proto.portal.v1.HistoryEntry;
import org.omatwin.proto.portal.v1.Line;
import org.omatwin.proto.portal.v1.ListLinesRequest;
import org.omatwin.proto.portal.v1.ListLinesResponse;
import org.omatwin.proto.portal.v1.RenameTwinningRequest;
import org.omatwin.proto.portal.v1.RenameTwinningResponse;
import org.omatwin.proto.portal.v1.SetTwinningStatusRequest;
import org.omatwin.proto.portal.v1.SetTwinningStatusResponse;
import org.omatwin.proto.portal.v1.SubscriberServiceGrpc;
import org.omatwin.proto.portal.v1.TwinnedDevice;
import org.omatwin.proto.portal.v1.WatchChangesRequest;
import org.omatwin.proto.portal.v1.WatchChangesResponse;

/**
 * oma.twinning.portal.v1.SubscriberService: translates between protobuf and {@link SubscriberUseCases};
 * the subscriber always comes from the verified token ({@link SubscriberAuthInterceptor}).
 */
public final class SubscriberGrpcService extends SubscriberServiceGrpc.SubscriberServiceImplBase {
    /** The scope the portal's OpenID Connect client asks for; never granted to devices. */
    public static final String SCOPE = "twinning.portal";

    private final SubscriberUseCases subscribers;
    private final EventBus events;

    public SubscriberGrpcService(SubscriberUseCases subscribers, EventBus events) {
        this.subscribers = subscribers;
        this.events = events;
    }

    @Override
    public void listLines(ListLinesRequest req, StreamObserver<ListLinesResponse> out) {
        ListLinesResponse.Builder b = ListLinesResponse.newBuilder()
                .setMaxDevicesPerLine(subscribers.maxDevicesPerLine());
        for (SubscriberUseCases.Line line : subscribers.lines(Subscribers.current())) {
            Line.Builder l = Line.newBuilder().setAddress(line.address().value());
            if (line.nickname() != null) {
                l.setNickname(line.nickname());
            }
            line.twinnings().forEach(t -> l.addDevices(toProto(t)));
            b.addLines(l);
        }
        reply(out, b.build());
    }

    @Override
    public void activateDevice(ActivateDeviceRequest req, StreamObserver<ActivateDeviceResponse> out) {
        TwinningView v = subscribers.activate(Subscribers.current(), req.getLineAddress(),
                req.getActivationCode().strip(), req.getName());
        reply(out, ActivateDeviceResponse.newBuilder().setDevice(toProto(v)).build());
    }

    @Override
    public void setTwinningStatus(SetTwinningStatusRequest req, StreamObserver<SetTwinningStatusResponse> out) {
        TwinningStatus status = TwinningStatus.fromToggle(req.getStatus()).orElseThrow(() -> ApiException.of(
                ApiError.INVALID_INPUT, "status must be On or Off", "status"));
        TwinningView v = subscribers.setStatus(Subscribers.current(), req.getTwinningId(), status);
        reply(out, SetTwinningStatusResponse.newBuilder().setDevice(toProto(v)).build());
    }

    @Override
    public void renameTwinning(RenameTwinningRequest req, StreamObserver<RenameTwinningResponse> out) {
        TwinningView v = subscribers.rename(Subscribers.current(), req.getTwinningId(),
                req.getName().strip());
        reply(out, RenameTwinningResponse.newBuilder().setDevice(toProto(v)).build());
    }

    @Override
    public void deactivateTwinning(DeactivateTwinningRequest req, StreamObserver<DeactivateTwinningResponse> out) {
        subscribers.deactivate(Subscribers.current(), req.getTwinningId());
        reply(out, DeactivateTwinningResponse.getDefaultInstance());
    }

    @Override
    public void setLineNickname(org.omatwin.proto.portal.v1.SetLineNicknameRequest req,
            StreamObserver<org.omatwin.proto.portal.v1.SetLineNicknameResponse> out) {
        String nickname = subscribers.setNickname(Subscribers.current(), req.getLineAddress(), req.getNickname());
        reply(out, org.omatwin.proto.portal.v1.SetLineNicknameResponse.newBuilder()
                .setNickname(nickname == null ? "" : nickname).build());
    }

    @Override
    public void getTwinningHistory(GetTwinningHistoryRequest req, StreamObserver<GetTwinningHistoryResponse> out) {
        GetTwinningHistoryResponse.Builder b = GetTwinningHistoryResponse.newBuilder();
        for (SubscriberStore.HistoryEntry h : subscribers.history(Subscribers.current(),
                req.getTwinningId())) {
            var e = h.event();
            HistoryEntry.Builder entry = HistoryEntry.newBuilder()
                    .setEventId(h.eventId())
                    .setEventType(e.type().omaName())
                    .setActorRole(e.actorRole().omaName())
                    .setActorAddress(e.actor().value())
                    .setStatus(e.status().omaName())
                    .setOccurredAt(TwinningMapper.timestamp(e.occurredAt()));
            if (e.name() != null) {
                entry.setName(e.name());
            }
            b.addEntries(entry);
        }
        reply(out, b.build());
    }

    /** A notice per committed change of a relationship of the subscriber's lines (lines read at start). */
    @Override
    public void watchChanges(WatchChangesRequest req, StreamObserver<WatchChangesResponse> out) {
        Set<DeviceAddress> lines = new HashSet<>(subscribers.linesOf(Subscribers.current()));
        ServerCallStreamObserver<WatchChangesResponse> call = (ServerCallStreamObserver<WatchChangesResponse>) out;
        Runnable unsubscribe = events.subscribe(e -> {
            Twinning t = e.twinning();
            if (!SubscriberUseCases.concerns(lines, t.secondary(), t.primary())) {
                return;
            }
            DeviceAddress line = lines.contains(t.secondary()) ? t.secondary() : t.primary();
            synchronized (call) {
                if (!call.isCancelled()) {
                    call.onNext(WatchChangesResponse.newBuilder().setTwinningId(t.id())
                            .setLineAddress(line.value()).setEventType(e.event().type().omaName()).build());
                }
            }
        });
        call.setOnCancelHandler(unsubscribe::run);
        call.setOnCloseHandler(unsubscribe::run);
    }

    static TwinnedDevice toProto(TwinningView v) {
        TwinnedDevice.Builder b = TwinnedDevice.newBuilder()
                .setTwinningId(v.id())
                .setStatus(v.status().omaName());
        if (v.name() != null) {
            b.setName(v.name());
        }
        if (v.statusChangedAt() != null) {
            b.setSince(TwinningMapper.timestamp(v.statusChangedAt()));
        }
        if (v.otherDevice() != null) {
            b.setAddress(v.otherDevice().address().value()).setRole(v.otherDevice().role().omaName());
            if (v.otherDevice().mno() != null) {
                b.setMcc(v.otherDevice().mno().mcc()).setMnc(v.otherDevice().mno().mnc());
            }
        }
        return b.build();
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}
