package org.omatwin.core.dm.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.alert.ResultCodes;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.proto.dmwsi.v1.CallbackReference;
import org.omatwin.proto.dmwsi.v1.DevDetail;
import org.omatwin.proto.dmwsi.v1.DevInfo;
import org.omatwin.proto.dmwsi.v1.Device;
import org.omatwin.proto.dmwsi.v1.DmAlert;
import org.omatwin.proto.dmwsi.v1.NodeValue;
import org.omatwin.proto.dmwsi.v1.Operation;
import org.omatwin.proto.dmwsi.v1.StateChange;
import org.omatwin.proto.dmwsi.v1.Upload;

/**
 * The DMWSI resources as the contract shows them (section 4 and 7), made from the domain's records:
 * one rendering for answers and for pushed notifications alike.
 */
final class DmwsiViews {
    private final Supplier<String> publicUrl;

    /** @param publicUrl the REST base (e.g. http://localhost:8080) for resourceURLs */
    DmwsiViews(Supplier<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    String base() {
        return publicUrl.get() + "/dmwsi/v1";
    }

    /** An operation as its requester sees it (its devId a pseudonym when the client's policy says so). */
    Operation operation(org.omatwin.core.dm.operation.Operation o, ClientAccess who) {
        OperationRequest r = o.request();
        Operation.Builder b = Operation.newBuilder()
                .setOperationId(o.operationId())
                .setType(r.type().wire())
                .setDeviceRef(who.show(r.devId()))
                .setCustomerCare(r.mode().customerCare())
                .setUiMode(r.mode().uiMode().wire())
                .setState(o.state().wire())
                .setResourceUrl(base() + "/operations/" + o.operationId());
        arguments(b, r.arguments());
        if (r.notifyUrl() != null) {
            b.setCallbackReference(callbackReference(r.notifyUrl(), r.callbackData()));
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

    /** The type-specific arguments of an operation (or of a job's operation), values without their secrets. */
    static void arguments(Operation.Builder b, OperationArguments a) {
        if (a.uris() != null) {
            b.addAllUris(a.uris());
        }
        if (a.values() != null) {
            // a value may be a secret: answers name the node and format only
            a.values().forEach(v -> {
                org.omatwin.proto.dmwsi.v1.ConfigValue.Builder value = org.omatwin.proto.dmwsi.v1.ConfigValue
                        .newBuilder();
                set(v.uri(), value::setUri);
                set(v.format(), value::setFormat);
                b.addValues(value);
            });
        }
        set(a.packageId(), b::setPackageId);
        set(a.uri(), b::setUri);
        set(a.data(), b::setData);
        set(a.componentId(), b::setComponentId);
        set(a.function(), b::setFunction);
        if (a.periodSeconds() != null) {
            b.setPeriodSeconds(a.periodSeconds());
        }
        if (a.commands() != null) {
            a.commands().forEach(c -> {
                org.omatwin.proto.dmwsi.v1.CommandSpec.Builder command = org.omatwin.proto.dmwsi.v1.CommandSpec
                        .newBuilder();
                set(c.op(), command::setOp);
                set(c.uri(), command::setUri);
                set(c.data(), command::setData);
                b.addCommands(command);
            });
        }
    }

    /** Where results are pushed, as the caller gave it (an operation's or a subscription's). */
    static CallbackReference callbackReference(String notifyUrl, String callbackData) {
        CallbackReference.Builder callback = CallbackReference.newBuilder().setNotifyUrl(notifyUrl);
        set(callbackData, callback::setCallbackData);
        return callback.build();
    }

    /**
     * A device profile as this client may see it: identifiers as pseudonyms when its policy says so,
     * and of what the device reported only the nodes its rules let it read.
     */
    Device device(DeviceProfile p, ClientAccess who) {
        String ref = who.show(p.devId());
        Device.Builder d = Device.newBuilder().setDevId(ref).addAllSupportedMos(p.supportedMOs())
                .setResourceUrl(base() + "/devices/" + ref)
                .setBinding(p.binding().wire());
        set(who.show(p.line()), d::setLine);
        DevInfo.Builder info = DevInfo.newBuilder();
        set(readable(who, "./DevInfo/Man", p.devInfo().man()), info::setMan);
        set(readable(who, "./DevInfo/Mod", p.devInfo().mod()), info::setMod);
        set(readable(who, "./DevInfo/DmV", p.devInfo().dmV()), info::setDmV);
        set(readable(who, "./DevInfo/Lang", p.devInfo().lang()), info::setLang);
        DevDetail.Builder detail = DevDetail.newBuilder();
        set(readable(who, "./DevDetail/DevTyp", p.devDetail().devTyp()), detail::setDevTyp);
        set(readable(who, "./DevDetail/OEM", p.devDetail().oem()), detail::setOem);
        set(readable(who, "./DevDetail/FwV", p.devDetail().fwV()), detail::setFwV);
        set(readable(who, "./DevDetail/SwV", p.devDetail().swV()), detail::setSwV);
        set(readable(who, "./DevDetail/HwV", p.devDetail().hwV()), detail::setHwV);
        d.setDevInfo(info).setDevDetail(detail);
        if (p.lastSeen() != null) {
            d.setLastSeen(timestamp(p.lastSeen()));
        }
        return d.build();
    }

    private static String readable(ClientAccess who, String uri, String value) {
        return value != null && who.readable(uri) ? value : null;
    }

    Upload upload(org.omatwin.core.dm.data.Upload u) {
        return Upload.newBuilder().setItemId(u.itemId())
                .setMediaType(u.mediaType() == null ? "application/octet-stream" : u.mediaType())
                .setContent(ByteString.copyFrom(u.content()))
                .setReceivedTime(timestamp(u.receivedTime()))
                .build();
    }

    /** An alert as received; the operation its correlator completed is not shown (it may be another client's). */
    static DmAlert alert(ReceivedAlert received) {
        var a = received.alert();
        DmAlert.Builder b = DmAlert.newBuilder().setReceiptId(received.receiptId())
                .setReceivedTime(timestamp(received.receivedTime()));
        set(a.alertId(), b::setAlertId);
        set(a.type(), b::setType);
        set(a.uri(), b::setUri);
        if (a.resultCode() != null) {
            b.setResultCode(a.resultCode());
            b.setResultText(ResultCodes.text(a.resultCode()));
        }
        if (a.mark() != null) {
            b.setMark(a.mark().name());
        }
        set(a.data(), b::setData);
        if (a.eventTime() != null) {
            b.setEventTime(timestamp(a.eventTime()));
        }
        return b.build();
    }

    static void set(String value, Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
