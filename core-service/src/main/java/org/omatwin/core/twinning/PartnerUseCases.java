package org.omatwin.core.twinning;

import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.activation.CodeAttempts;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.twinning.activation.CodeIssuance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.omatwin.core.twinning.activation.ActivationCodes;
import org.omatwin.core.twinning.activation.AttemptWindow;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * What a partner MNO may ask of us (HLF-IC-002..007), each in one transaction committed before the
 * answer. The partner has been authenticated by its certificate; here it may only touch relationships
 * between one of its subscribers and one of ours, and to it any other relationship does not exist.
 * Changes it makes are recorded as events from that partner: notified to our devices, never sent back.
 */
public final class PartnerUseCases {
    /** A partner as a whole may fail this many times the per-device limit in one window. */
    static final int PARTNER_ATTEMPT_FACTOR = 50;
    /** How far ahead of ours a partner's toggle time is believed. */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofSeconds(60);

    private final Transactions<TwinningStore> tx;
    private final TwinningPolicy policy;
    private final ActivationCodes codes;
    private final CodeIssuance issuance;
    private final CodeAttempts failures;
    private final Mno ownMno;
    private final int maxPendingPerPartner;
    private final Clock clock;

    /** @param maxPendingPerPartner how many unexpired codes a partner may hold at once */
    public PartnerUseCases(Transactions<TwinningStore> tx, TwinningPolicy policy, ActivationCodes codes, Mno ownMno,
            int maxPendingPerPartner, Clock clock) {
        this.tx = tx;
        this.policy = policy;
        this.codes = codes;
        this.issuance = new CodeIssuance(codes);
        this.failures = new CodeAttempts(policy.attemptWindow());
        this.ownMno = ownMno;
        this.maxPendingPerPartner = maxPendingPerPartner;
        this.clock = clock;
    }

    /**
     * HLF-IC-003: a code for the partner's secondary, to be entered by one of our primaries. Asking again
     * while Pending replaces the code (as for our own secondaries).
     */
    public Peers.IssuedCode issueCode(Mno partner, DeviceAddress secondary) {
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.lockDevice(secondary, now);
            if (store.isActivePrimary(secondary)) {
                throw notYours(secondary);
            }
            Optional<Twinning> existing = store.findLiveBySecondary(secondary);
            if (existing.isPresent() && !partner.equals(existing.get().secondaryMno())) {
                throw notYours(secondary);
            }
            if (existing.isPresent() && existing.get().status().isActive()) {
                throw ApiException.of(ApiError.ALREADY_TWINNED, "the device is already twinned with a primary device",
                        "already twinned");
            }
            // A partner cannot fill our code space: its unexpired codes are capped.
            if (existing.isEmpty() && store.countPendingCodesFor(partner, now) >= maxPendingPerPartner) {
                throw ApiException.rateLimited("MNO " + partner + " holds too many unexpired activation codes",
                        policy.codeLifetime(), "activationCode");
            }
            String plain = issuance.freshCode(store, now);
            Twinning.PendingCode code = new Twinning.PendingCode(codes.hash(plain), ownMno,
                    now.plus(policy.codeLifetime()));
            if (existing.isPresent()) {
                store.update(existing.get().withNewCode(code, null, now));
            } else {
                store.insert(Twinning.pending(Ids.newId(), secondary, partner, code, null, now));
            }
            return new Peers.IssuedCode(plain, ownMno, code.expiresAt());
        });
    }

    /**
     * HLF-IC-004: the partner's primary redeems a code we issued to one of our secondaries, which turns
     * On here. Wrong codes count against that primary as they would for ours (POL2005). A retry of the
     * same request answers the same.
     */
    public DeviceAddress redeem(Mno partner, String requestId, String code, DeviceAddress primary) {
        if (!ActivationCodes.isWellFormed(code)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the activation code must be six digits", "activationCode");
        }
        String hash = codes.hash(code);
        Result<DeviceAddress> result = tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.lockDevice(primary, now);
            Optional<Twinning> done = store.findLiveByActivationForUpdate(primary, requestId);
            if (done.isPresent()) {
                return Result.of(done.get().secondary());
            }
            if (store.findLiveBySecondary(primary).isPresent()) {
                throw ApiException.of(ApiError.WRONG_ROLE, "a secondary device cannot become a primary device",
                        "Secondary", "Primary");
            }
            // Wrong codes are limited per primary, and for the partner as a whole: a partner cannot probe
            // our codes by naming ever new primaries.
            Optional<AttemptWindow> attempts = store.attempts(primary);
            Optional<AttemptWindow> partnerAttempts = store.attempts(partnerKey(partner));
            CodeAttempts.requireNotBlocked(max(failures.blockedFor(attempts, policy.maxFailedAttempts(), now),
                    failures.blockedFor(partnerAttempts, policy.maxFailedAttempts() * PARTNER_ATTEMPT_FACTOR, now)));
            Optional<Twinning> pending = store.findPendingByCodeHashForUpdate(hash)
                    .filter(t -> !t.code().isExpired(now))
                    .filter(t -> ownMno.equals(t.secondaryMno()));
            if (pending.isEmpty()) {
                store.saveAttempts(primary, failures.afterFailure(attempts, now));
                store.saveAttempts(partnerKey(partner), failures.afterFailure(partnerAttempts, now));
                return Result.rejected("the activation code is wrong, already used or expired");
            }
            // Name, authCode and voice mail follow in the partner's update (HLF-IC-006).
            Twinning on = store.update(pending.get().activateByPartner(primary, partner, null, null, null,
                    new Twinning.PeerLink(requestId, Map.of()), now));
            store.appendEvent(TwinningEvent.fromPartner(on, TwinningEvent.Type.ACTIVATED, Role.PRIMARY, primary,
                    partner));
            return Result.of(on.secondary());
        });
        return result.orThrow("activationCode");
    }

    /**
     * HLF-IC-006, the CR's server-to-server PUT: the primary's MNO activates our secondary (after its
     * primary redeemed the code we obtained from it) or updates the resource later (name, authCode).
     */
    public TwinningStatus updateSecondary(Mno partner, Peers.SecondaryUpdate update, Map<String, String> endpoints) {
        String validName = update.name() == null ? null : TwinningPolicy.validName(update.name());
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            Twinning.AuthCode authCode = update.authCode() == null ? null
                    : new Twinning.AuthCode(update.authCode(), now.plus(Twinning.AuthCode.UNTOLD_LIFETIME));
            Twinning current = lockLiveOf(store, update.secondary())
                    .filter(t -> ownMno.equals(t.secondaryMno()))
                    .orElseThrow(() -> unknown(update.secondary()));
            if (current.status() == TwinningStatus.PENDING) {
                if (!update.activation() || current.code() == null || !partner.equals(current.code().issuer())) {
                    throw unknown(update.secondary());
                }
                Twinning on = store.update(current.activateByPartner(update.primary(), partner, validName,
                        update.primaryVoiceMail(), authCode,
                        new Twinning.PeerLink(update.requestId(), endpoints), now));
                store.appendEvent(TwinningEvent.fromPartner(on, TwinningEvent.Type.ACTIVATED, Role.PRIMARY,
                        update.primary(), partner));
                return on.status();
            }
            requireRelationship(current, partner, update.primary(), update.secondary());
            String activation = update.activation() ? update.requestId() : current.peer().activationRequestId();
            Twinning next = current.updatedByPartner(validName, update.primaryVoiceMail(), authCode,
                    new Twinning.PeerLink(activation, endpoints.isEmpty() ? current.peer().primaryEndpoints()
                            : endpoints));
            if (next.equals(current)) {
                return current.status();
            }
            Twinning saved = store.update(next);
            if (!java.util.Objects.equals(current.name(), saved.name())) {
                store.appendEvent(TwinningEvent.fromPartner(saved, TwinningEvent.Type.RENAMED, Role.PRIMARY,
                        update.primary(), partner));
            }
            return saved.status();
        });
    }

    /**
     * HLF-IC-005/007: a toggle made by the partner's device. Toggles made at the same time on both sides
     * converge: the later one wins on both (ties go to the MNO with the greater MCC-MNC).
     */
    public TwinningStatus applyStatus(Mno partner, DeviceAddress secondary, DeviceAddress primary, Role actor,
            TwinningStatus status, Instant changedAt) {
        if (!status.isActive()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "twinning_status must be On or Off", "twinningStatus");
        }
        return tx.inTransaction(store -> {
            Twinning current = lockedRelationship(store, partner, secondary, primary);
            requirePartnerSide(current, partner, actor);
            // A partner's clock may run ahead; a time far in the future would win every later toggle.
            Instant latest = clock.instant().plus(MAX_CLOCK_AHEAD);
            Instant at = changedAt.isAfter(latest) ? latest : changedAt;
            int order = at.compareTo(current.statusChangedAt());
            boolean later = order > 0 || (order == 0 && partner.id().compareTo(ownMno.id()) > 0);
            if (!later || current.status() == status) {
                return current.status();
            }
            Twinning saved = store.update(current.toggle(status, at));
            store.appendEvent(TwinningEvent.fromPartner(saved, TwinningEvent.Type.STATUS_CHANGED, actor,
                    saved.addressOf(actor), partner));
            return saved.status();
        });
    }

    /**
     * The partner's device ended the relationship, or the partner undoes an activation that did not
     * commit on its side ({@code activationRequestId}: only the relationship that request made ends).
     * Ending what is already ended is not an error.
     */
    public void applyDeactivation(Mno partner, DeviceAddress secondary, DeviceAddress primary, Role actor,
            String activationRequestId) {
        tx.inTransaction(store -> {
            Optional<Twinning> current = activationRequestId != null
                    ? store.findLiveByActivationForUpdate(primary, activationRequestId)
                    // no primary: the partner's secondary gave up a Pending request for one of our codes
                    : lockLiveOf(store, secondary).filter(t -> java.util.Objects.equals(primary, t.primary()));
            if (current.isEmpty()) {
                return null;
            }
            if (!current.get().partner(ownMno).map(partner::equals).orElse(false)) {
                throw unknown(secondary != null ? secondary : primary);
            }
            requirePartnerSide(current.get(), partner, actor);
            Twinning ended = store.update(current.get().deactivate(clock.instant()));
            store.appendEvent(TwinningEvent.fromPartner(ended, TwinningEvent.Type.DEACTIVATED, actor,
                    current.get().addressOf(actor), partner));
            return null;
        });
    }

    private Twinning lockedRelationship(TwinningStore store, Mno partner, DeviceAddress secondary,
            DeviceAddress primary) {
        Twinning current = lockLiveOf(store, secondary).orElseThrow(() -> unknown(secondary));
        requireRelationship(current, partner, primary, secondary);
        return current;
    }

    /** The secondary's live relationship, locked (and read again under the lock). */
    private static Optional<Twinning> lockLiveOf(TwinningStore store, DeviceAddress secondary) {
        return store.findLiveBySecondary(secondary)
                .flatMap(t -> store.findByIdForUpdate(t.id()))
                .filter(Twinning::isLive);
    }

    /** The relationship is between the named devices, and the partner serves one side, we the other. */
    private void requireRelationship(Twinning t, Mno partner, DeviceAddress primary, DeviceAddress secondary) {
        boolean partnerSide = t.partner(ownMno).map(partner::equals).orElse(false);
        boolean ours = ownMno.equals(t.secondaryMno()) || ownMno.equals(t.primaryMno());
        if (!t.status().isActive() || !primary.equals(t.primary()) || !partnerSide || !ours) {
            throw unknown(secondary);
        }
    }

    /** A partner reports changes made by its own device only. */
    private void requirePartnerSide(Twinning t, Mno partner, Role actor) {
        Mno actorMno = actor == Role.PRIMARY ? t.primaryMno() : t.secondaryMno();
        if (!partner.equals(actorMno)) {
            throw ApiException.of(ApiError.NOT_PERMITTED, "the " + actor.omaName()
                    + " of this relationship is not served by MNO " + partner, "actorRole");
        }
    }

    /** The attempt counter of a partner as a whole, under a reserved acr: address. */
    private static DeviceAddress partnerKey(Mno partner) {
        return new DeviceAddress("acr:partner-" + partner.id());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static ApiException unknown(DeviceAddress device) {
        return ApiException.of(ApiError.NOT_FOUND, "no relationship of " + device.value()
                + " between a subscriber of yours and one of ours", "twinning");
    }

    private static ApiException notYours(DeviceAddress device) {
        return ApiException.of(ApiError.NOT_PERMITTED, device.value() + " is not a subscriber of the calling MNO",
                "secondaryAddress");
    }

    /** A value, or the reason a code was refused (committed with the failed attempt, then thrown). */
    private record Result<T>(T value, String rejection) {
        static <T> Result<T> of(T value) {
            return new Result<>(value, null);
        }

        static <T> Result<T> rejected(String why) {
            return new Result<>(null, why);
        }

        T orThrow(String variable) {
            if (rejection != null) {
                throw ApiException.of(ApiError.INVALID_INPUT, rejection, variable);
            }
            return value;
        }
    }
}
