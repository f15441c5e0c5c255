package org.omatwin.core.twinning;

import java.time.Instant;

/**
 * A relationship as one side sees it (the OMA Twinning resource of that device). The secondary sees the
 * primary's identity (HLF-SD-006), its voice-mail address and the authCode; the primary sees the name.
 *
 * The authCode is shown to the secondary until it expires (HLF-SD-009: it is single use and short-lived).
 *
 * @param plainCode the activation code in clear, only in the response that issued it (or its retry)
 */
public record TwinningView(
        String id,
        int version,
        DeviceAddress own,
        Role role,
        TwinningStatus status,
        String name,
        OtherDevice otherDevice,
        IssuedCode code,
        String authCode,
        DeviceAddress primaryVoiceMailAddress,
        String clientCorrelator,
        Instant statusChangedAt) {

    public record OtherDevice(DeviceAddress address, Role role, String name, Mno mno) {}

    public record IssuedCode(String plainCode, Mno issuer, Instant expiresAt) {}

    /** This view without its authCode (one that can no longer be exchanged). */
    public TwinningView withoutAuthCode() {
        return new TwinningView(id, version, own, role, status, name, otherDevice, code, null,
                primaryVoiceMailAddress, clientCorrelator, statusChangedAt);
    }

    public static TwinningView of(Twinning t, Role side, String plainCode, Instant now) {
        OtherDevice other = null;
        DeviceAddress otherAddress = t.addressOf(side.other());
        if (otherAddress != null) {
            Mno otherMno = side == Role.PRIMARY ? t.secondaryMno() : t.primaryMno();
            // The relationship's name is the "name" element itself; otherDevice.name is left to partners.
            other = new OtherDevice(otherAddress, side.other(), null, otherMno);
        }
        IssuedCode code = null;
        if (side == Role.SECONDARY && t.code() != null) {
            code = new IssuedCode(plainCode, t.code().issuer(), t.code().expiresAt());
        }
        boolean secondary = side == Role.SECONDARY;
        return new TwinningView(t.id(), t.version(), t.addressOf(side), side, t.status(), t.name(), other, code,
                secondary && t.authCode() != null && !t.authCode().isExpired(now) ? t.authCode().value() : null,
                secondary ? t.primaryVoiceMailAddress() : null,
                secondary ? t.secondaryCorrelator() : t.primaryCorrelator(), t.statusChangedAt());
    }
}
