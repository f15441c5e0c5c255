package org.omatwin.core.twinning;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * One twinning relationship, seen by both sides under one id. Immutable: every transition returns the
 * next state after checking the rule that allows it. No transport or storage types here.
 *
 * @param code the redeemable code while Pending (its hash, expiry and issuing MNO); null otherwise
 * @param version optimistic-lock counter, bumped by the store on every update
 */
public record Twinning(
        String id,
        DeviceAddress secondary,
        DeviceAddress primary,
        TwinningStatus status,
        String name,
        PendingCode code,
        String secondaryCorrelator,
        String primaryCorrelator,
        Mno secondaryMno,
        Mno primaryMno,
        DeviceAddress primaryVoiceMailAddress,
        AuthCode authCode,
        Instant createdAt,
        Instant activatedAt,
        Instant statusChangedAt,
        Instant deactivatedAt,
        int version,
        PeerLink peer) {

    /**
     * What a relationship with a partner MNO's device keeps about the partner side (HLF-IC-*).
     *
     * @param activationRequestId the partner's request that activated it (undoing that activation ends
     *     only this relationship)
     * @param primaryEndpoints HLF-IC-006: where the primary's services are reached, by service name
     */
    public record PeerLink(String activationRequestId, java.util.Map<String, String> primaryEndpoints) {
        public static final PeerLink NONE = new PeerLink(null, java.util.Map.of());

        public PeerLink {
            primaryEndpoints = primaryEndpoints == null ? java.util.Map.of() : java.util.Map.copyOf(primaryEndpoints);
        }
    }

    /**
     * A code that can still be redeemed: only its keyed hash is kept (HLF-SD-003, HLF-TE-005), and, so
     * that a retried create (same clientCorrelator) gets the same code back, the code sealed (encrypted
     * and authenticated) under a key derived from the same operator secret; null where none was kept.
     */
    public record PendingCode(String hash, Mno issuer, Instant expiresAt, String sealed) {
        public PendingCode {
            Objects.requireNonNull(hash);
            Objects.requireNonNull(issuer);
            Objects.requireNonNull(expiresAt);
        }

        public PendingCode(String hash, Mno issuer, Instant expiresAt) {
            this(hash, issuer, expiresAt, null);
        }

        public boolean isExpired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    /**
     * HLF-SD-009: the OAuth authorization code for the secondary, shown on its resource until it expires
     * (single use: it is useless after its exchange, and stops being shown then too).
     */
    public record AuthCode(String value, Instant expiresAt) {
        /** A code whose lifetime was not told (a partner's): RFC 6749 4.1.2's recommended maximum. */
        public static final java.time.Duration UNTOLD_LIFETIME = java.time.Duration.ofMinutes(10);

        public AuthCode {
            Objects.requireNonNull(value);
            Objects.requireNonNull(expiresAt);
        }

        public boolean isExpired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    public Twinning {
        Objects.requireNonNull(id);
        Objects.requireNonNull(secondary);
        Objects.requireNonNull(status);
        Objects.requireNonNull(createdAt);
        peer = peer == null ? PeerLink.NONE : peer;
    }

    /** HLF-SD-001: a secondary asks to be twinned; the relationship waits for the primary. */
    public static Twinning pending(String id, DeviceAddress secondary, Mno secondaryMno, PendingCode code,
            String correlator, Instant now) {
        return new Twinning(id, secondary, null, TwinningStatus.PENDING, null, code, correlator, null,
                secondaryMno, null, null, null, now, null, now, null, 0, PeerLink.NONE);
    }

    /**
     * HLF-IC-004: our primary redeemed, at the secondary's MNO, a code that MNO issued; the relationship
     * starts here already On (the secondary's MNO activated its side in the same exchange).
     */
    public static Twinning activatedWithPartner(String id, DeviceAddress secondary, Mno secondaryMno,
            DeviceAddress primaryDevice, Mno primaryMno, String twinningName, DeviceAddress voiceMail,
            String correlator, String activationRequestId, Instant now) {
        return new Twinning(id, secondary, primaryDevice, TwinningStatus.ON, twinningName, null, null, correlator,
                secondaryMno, primaryMno, voiceMail, null, now, now, now, null, 0,
                new PeerLink(activationRequestId, java.util.Map.of()));
    }

    /**
     * The MNO serving the other side of the relationship when it is not {@code own}: the partner that
     * may act on this relationship (HLF-IC-*). Empty when both sides are ours.
     */
    public Optional<Mno> partner(Mno own) {
        if (secondaryMno != null && !secondaryMno.equals(own)) {
            return Optional.of(secondaryMno);
        }
        if (primaryMno != null && !primaryMno.equals(own)) {
            return Optional.of(primaryMno);
        }
        if (code != null && !code.issuer().equals(own)) {
            return Optional.of(code.issuer());
        }
        return Optional.empty();
    }

    /**
     * HLF-IC-004/006: the primary's MNO activated the relationship of our secondary (the CR's
     * server-to-server update: status On and the primary's identity, name, authCode, voice mail).
     */
    public Twinning activateByPartner(DeviceAddress primaryDevice, Mno partner, String twinningName,
            DeviceAddress voiceMail, AuthCode newAuthCode, PeerLink link, Instant now) {
        requireStatus(TwinningStatus.PENDING);
        if (primaryDevice.equals(secondary)) {
            throw ApiException.of(ApiError.WRONG_ROLE, "a device cannot be twinned with itself", "Secondary", "Primary");
        }
        return new Twinning(id, secondary, primaryDevice, TwinningStatus.ON, twinningName, null,
                secondaryCorrelator, null, secondaryMno, partner, voiceMail, newAuthCode, createdAt, now, now, null,
                version, link);
    }

    /** HLF-IC-006: later updates of the secondary's resource by the primary's MNO. */
    public Twinning updatedByPartner(String twinningName, DeviceAddress voiceMail, AuthCode newAuthCode,
            PeerLink link) {
        if (!status.isActive()) {
            throw new IllegalStateException("expected an activated twinning but was " + status);
        }
        return new Twinning(id, secondary, primary, status, twinningName != null ? twinningName : name, code,
                secondaryCorrelator, primaryCorrelator, secondaryMno, primaryMno,
                voiceMail != null ? voiceMail : primaryVoiceMailAddress, newAuthCode != null ? newAuthCode : authCode,
                createdAt, activatedAt, statusChangedAt, deactivatedAt, version, link);
    }

    /** The side {@code device} takes in this relationship, if any. */
    public Optional<Role> roleOf(DeviceAddress device) {
        if (device.equals(secondary)) {
            return Optional.of(Role.SECONDARY);
        }
        if (device.equals(primary)) {
            return Optional.of(Role.PRIMARY);
        }
        return Optional.empty();
    }

    /** The device on the other side from {@code role}; null for the primary of a Pending relationship. */
    public DeviceAddress addressOf(Role role) {
        return role == Role.PRIMARY ? primary : secondary;
    }

    public boolean isLive() {
        return status != TwinningStatus.DEACTIVATED;
    }

    /** A second request while Pending replaces the code (contract section 3). */
    public Twinning withNewCode(PendingCode newCode, String correlator, Instant now) {
        requireStatus(TwinningStatus.PENDING);
        return new Twinning(id, secondary, primary, status, name, newCode,
                correlator != null ? correlator : secondaryCorrelator, primaryCorrelator, secondaryMno, primaryMno,
                primaryVoiceMailAddress, authCode, createdAt, activatedAt, now, deactivatedAt, version, peer);
    }

    /**
     * HLF-SD-002: while Pending, the MNO the secondary named for its primary (null: ours). It outlives the
     * code, so that a request given up is still reported to that MNO.
     */
    public Twinning expectingPrimaryAt(Mno mno) {
        requireStatus(TwinningStatus.PENDING);
        return new Twinning(id, secondary, primary, status, name, code, secondaryCorrelator, primaryCorrelator,
                secondaryMno, mno, primaryVoiceMailAddress, authCode, createdAt, activatedAt, statusChangedAt,
                deactivatedAt, version, peer);
    }

    /** HLF-PD-001: the primary redeemed the code; both sides are twinned and On. */
    public Twinning activate(DeviceAddress primaryDevice, Mno primaryMnoOf, String twinningName,
            DeviceAddress voiceMail, String correlator, Instant now) {
        requireStatus(TwinningStatus.PENDING);
        if (primaryDevice.equals(secondary)) {
            throw ApiException.of(ApiError.WRONG_ROLE, "a device cannot be twinned with itself", "Secondary", "Primary");
        }
        return new Twinning(id, secondary, primaryDevice, TwinningStatus.ON, twinningName, null,
                secondaryCorrelator, correlator, secondaryMno, primaryMnoOf, voiceMail, authCode, createdAt, now, now,
                null, version, peer);
    }

    /**
     * HLF-PD-002, HLF-SD-004: either side toggles On/Off; Off keeps the relationship (HLF-TE-003).
     * Returns this when the status is already the requested one.
     */
    public Twinning toggle(TwinningStatus target, Instant now) {
        if (!target.isActive()) {
            throw new IllegalArgumentException("toggle target must be On or Off");
        }
        if (!status.isActive()) {
            throw ApiException.of(ApiError.NOT_CHANGEABLE,
                    "twinningStatus can be changed only once the twinning is activated", "twinningStatus");
        }
        if (status == target) {
            return this;
        }
        // Change times only move forward, even if a partner's clock ran ahead (its toggles are ordered
        // by these times on both sides).
        Instant at = statusChangedAt == null || now.isAfter(statusChangedAt) ? now : statusChangedAt.plusNanos(1_000);
        return new Twinning(id, secondary, primary, target, name, code, secondaryCorrelator, primaryCorrelator,
                secondaryMno, primaryMno, primaryVoiceMailAddress, authCode, createdAt, activatedAt, at,
                deactivatedAt, version, peer);
    }

    /** Only the primary names a relationship (contract section 2). */
    public Twinning rename(Role actor, String newName) {
        if (actor != Role.PRIMARY) {
            throw ApiException.of(ApiError.NOT_CHANGEABLE, "only the primary device may rename a twinning", "name");
        }
        if (!status.isActive()) {
            throw ApiException.of(ApiError.NOT_CHANGEABLE, "a twinning can be renamed only once activated", "name");
        }
        return new Twinning(id, secondary, primary, status, newName, code, secondaryCorrelator, primaryCorrelator,
                secondaryMno, primaryMno, primaryVoiceMailAddress, authCode, createdAt, activatedAt,
                statusChangedAt, deactivatedAt, version, peer);
    }

    /** HLF-PD-004, HLF-SD-007: either side ends the relationship, on both sides. */
    public Twinning deactivate(Instant now) {
        if (!isLive()) {
            throw new IllegalStateException("already deactivated");
        }
        return new Twinning(id, secondary, primary, TwinningStatus.DEACTIVATED, name, null, secondaryCorrelator,
                primaryCorrelator, secondaryMno, primaryMno, primaryVoiceMailAddress, null, createdAt, activatedAt,
                now, now, version, peer);
    }

    /** This relationship with the status and name it had at an event (they are all that changes later). */
    public Twinning asOf(TwinningStatus statusThen, String nameThen) {
        return new Twinning(id, secondary, primary, statusThen, nameThen, code, secondaryCorrelator,
                primaryCorrelator, secondaryMno, primaryMno, primaryVoiceMailAddress, authCode, createdAt, activatedAt,
                statusChangedAt, deactivatedAt, version, peer);
    }

    public Twinning withPeer(PeerLink link) {
        return new Twinning(id, secondary, primary, status, name, code, secondaryCorrelator, primaryCorrelator,
                secondaryMno, primaryMno, primaryVoiceMailAddress, authCode, createdAt, activatedAt, statusChangedAt,
                deactivatedAt, version, link);
    }

    public Twinning withAuthCode(AuthCode newAuthCode) {
        return new Twinning(id, secondary, primary, status, name, code, secondaryCorrelator, primaryCorrelator,
                secondaryMno, primaryMno, primaryVoiceMailAddress, newAuthCode, createdAt, activatedAt,
                statusChangedAt, deactivatedAt, version, peer);
    }

    private void requireStatus(TwinningStatus expected) {
        if (status != expected) {
            throw new IllegalStateException("expected " + expected + " but was " + status);
        }
    }
}
