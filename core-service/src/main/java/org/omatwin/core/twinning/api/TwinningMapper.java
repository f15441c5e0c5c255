package org.omatwin.core.twinning.api;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.omatwin.core.twinning.subscription.Subscription;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.core.twinning.TwinningView;
import org.omatwin.proto.twinning.v1.CallbackReference;
import org.omatwin.proto.twinning.v1.OtherDevice;
import org.omatwin.proto.twinning.v1.Twinning;
import org.omatwin.proto.twinning.v1.TwinningActivationCode;
import org.omatwin.proto.twinning.v1.TwinningSubscription;

/** Domain views to the contract's messages. */
public final class TwinningMapper {
    private final ResourceUrls urls;

    public TwinningMapper(ResourceUrls urls) {
        this.urls = urls;
    }

    public Twinning toProto(TwinningView v) {
        Twinning.Builder b = Twinning.newBuilder()
                .setRole(v.role().omaName())
                .setOwnAddress(v.own().value())
                .setResourceUrl(urls.twinning(v.own(), v.id()));
        if (v.status() != TwinningStatus.DEACTIVATED) {
            // a deactivated relationship has no status of the contract's (it only appears in notifications)
            b.setTwinningStatus(v.status().omaName());
        }
        if (v.name() != null) {
            b.setName(v.name());
        }
        if (v.otherDevice() != null) {
            TwinningView.OtherDevice o = v.otherDevice();
            OtherDevice.Builder ob = OtherDevice.newBuilder()
                    .setAddress(o.address().value())
                    .setRole(o.role().omaName());
            if (o.name() != null) {
                ob.setName(o.name());
            }
            if (o.mno() != null) {
                ob.setMno(toProto(o.mno()));
            }
            b.setOtherDevice(ob);
        }
        if (v.code() != null) {
            TwinningActivationCode.Builder cb = TwinningActivationCode.newBuilder()
                    .setMcc(v.code().issuer().mcc())
                    .setMnc(v.code().issuer().mnc())
                    .setExpiryTime(timestamp(v.code().expiresAt()));
            if (v.code().plainCode() != null) {
                cb.setCode(v.code().plainCode());
            }
            b.setActivationCode(cb);
        }
        if (v.authCode() != null) {
            b.setAuthCode(v.authCode());
        }
        if (v.primaryVoiceMailAddress() != null) {
            b.setPrimaryDeviceVmAddress(v.primaryVoiceMailAddress().value());
        }
        if (v.clientCorrelator() != null) {
            b.setClientCorrelator(v.clientCorrelator());
        }
        return b.build();
    }

    TwinningSubscription toProto(Subscription s) {
        CallbackReference.Builder cb = CallbackReference.newBuilder()
                .setNotifyUrl(s.notifyUrl().toString())
                .setNotificationFormat("JSON");
        if (s.callbackData() != null) {
            cb.setCallbackData(s.callbackData());
        }
        TwinningSubscription.Builder b = TwinningSubscription.newBuilder()
                .setCallbackReference(cb)
                .setDuration(s.durationSeconds())
                .setResourceUrl(urls.subscription(s.device(), s.id()));
        if (s.clientCorrelator() != null) {
            b.setClientCorrelator(s.clientCorrelator());
        }
        return b.build();
    }

    static org.omatwin.proto.twinning.v1.Mno toProto(Mno mno) {
        return org.omatwin.proto.twinning.v1.Mno.newBuilder().setMcc(mno.mcc()).setMnc(mno.mnc()).build();
    }

    public static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
