package org.omatwin.core.twinning;

import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.activation.CodeAttempts;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.twinning.activation.CodeIssuance;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.omatwin.core.twinning.activation.ActivationCodes;
import org.omatwin.core.twinning.activation.AttemptWindow;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * The device API's use cases. Each public method is one transaction: the rules are checked, the new
 * state and its event are written, and the transaction commits before the method returns.
 */
public final class TwinningUseCases {
    private final Transactions<TwinningStore> tx;
    private final TwinningPolicy policy;
    private final ActivationCodes codes;
    private final Mno ownMno;
    private final AuthCodeIssuer authCodes;
    private final Peers peers;
    private final CodeIssuance issuance;
    private final CodeAttempts failures;
    private final Clock clock;

    public TwinningUseCases(Transactions<TwinningStore> tx, TwinningPolicy policy, ActivationCodes codes, Mno ownMno,
            AuthCodeIssuer authCodes, Peers peers, Clock clock) {
        this.tx = tx;
        this.policy = policy;
        this.codes = codes;
        this.ownMno = ownMno;
        this.authCodes = authCodes;
        this.peers = peers;
        this.issuance = new CodeIssuance(codes);
        this.failures = new CodeAttempts(policy.attemptWindow());
        this.clock = clock;
    }

    /**
     * HLF-SD-001: the secondary asks for an activation code. While Pending, asking again replaces the
     * code; once twinned, the secondary cannot start another relationship (HLF-TE-008/009). When it
     * names the primary's MNO and that is a partner, the code comes from there (HLF-SD-002, TE-006).
     */
    public TwinningView requestCode(DeviceAddress secondary, Mno primaryMno, String correlator) {
        String validCorrelator = TwinningPolicy.validCorrelator(correlator);
        Mno partner = primaryMno != null && !primaryMno.equals(ownMno) ? primaryMno : null;
        if (partner != null && !peers.isPartner(partner)) {
            throw ApiException.of(ApiError.INVALID_INPUT,
                    "the primary's MNO " + partner + " is not a partner of this operator", "otherDevice.mno");
        }
        String requestId = Ids.newId();
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.lockDevice(secondary, now);
            if (store.isActivePrimary(secondary)) {
                throw ApiException.of(ApiError.WRONG_ROLE, "a primary device cannot become a secondary device",
                        "Primary", "Secondary");
            }
            Optional<Twinning> existing = store.findLiveBySecondary(secondary);
            if (existing.isPresent() && existing.get().status().isActive()) {
                throw ApiException.of(ApiError.ALREADY_TWINNED, "the device is already twinned with a primary device",
                        "already twinned");
            }
            if (existing.isPresent() && !ownMno.equals(existing.get().secondaryMno())) {
                // A partner asked for a code in this device's name, but the device is ours: that
                // request ends here.
                store.update(existing.get().deactivate(now));
                existing = Optional.empty();
            }
            Optional<String> replayed = existing.flatMap(t -> sameRequest(t, partner, validCorrelator, now));
            if (replayed.isPresent()) {
                // the contract's idempotent create: the same correlator gets the existing resource, code included
                return TwinningView.of(existing.get(), Role.SECONDARY, replayed.get(), now);
            }
            String plain;
            Twinning.PendingCode code;
            if (partner == null) {
                plain = issuance.freshCode(store, now);
                String hash = codes.hash(plain);
                code = new Twinning.PendingCode(hash, ownMno, now.plus(policy.codeLifetime()), codes.seal(plain, hash));
            } else {
                // The device lock is held across the call: one request of this secondary at a time.
                Peers.IssuedCode issued = peers.requestCode(partner, requestId, secondary);
                plain = issued.code();
                // Redeemed at the partner, never here: hashed in the partner's namespace, so that it can
                // never match a code entered by one of our primaries.
                String hash = codes.hash(partner.id() + ":" + plain);
                code = new Twinning.PendingCode(hash, partner, issued.expiresAt(), codes.seal(plain, hash));
                // an abandoned request may still hold the same partner code: it has expired at the partner
                store.releaseExpiredCode(code.hash(), now.plusSeconds(1));
            }
            Twinning saved;
            if (existing.isPresent()) {
                saved = store.update(existing.get().withNewCode(code, validCorrelator, now).expectingPrimaryAt(partner));
            } else {
                saved = Twinning.pending(Ids.newId(), secondary, ownMno, code, validCorrelator, now)
                        .expectingPrimaryAt(partner);
                store.insert(saved);
            }
            return TwinningView.of(saved, Role.SECONDARY, plain, now);
        });
    }

    /**
     * The code of a Pending request that {@code correlator} repeats (same correlator, same primary MNO
     * named, code still redeemable and kept sealed); empty when this is a new request.
     */
    private Optional<String> sameRequest(Twinning pending, Mno partner, String correlator, Instant now) {
        Twinning.PendingCode code = pending.code();
        if (correlator == null || pending.status() != TwinningStatus.PENDING || code == null || code.sealed() == null
                || code.isExpired(now) || !correlator.equals(pending.secondaryCorrelator())
                || !java.util.Objects.equals(partner, pending.primaryMno())) {
            return Optional.empty();
        }
        return codes.unseal(code.sealed(), code.hash());
    }

    /**
     * HLF-PD-001: the primary redeems the code. Exactly one redemption of a code can win; failures are
     * counted per device and, past the limit, refused with POL2005 until the window ends. A code issued
     * by a partner is redeemed there (HLF-IC-004); a code of ours requested by a partner for its
     * secondary activates the secondary there (HLF-IC-006). Either way the partner is called before our
     * transaction commits, so an unreachable partner leaves nothing changed on either side (503).
     */
    public TwinningView activate(DeviceAddress primary, String code, Mno codeIssuer, String name, String correlator) {
        String validCorrelator = TwinningPolicy.validCorrelator(correlator);
        String validName = name == null ? null : TwinningPolicy.validName(name);
        if (code == null) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "activationCode.code is missing", "activationCode");
        }
        if (!ActivationCodes.isWellFormed(code)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the activation code must be six digits", "activationCode");
        }
        Mno partner = codeIssuer != null && !codeIssuer.equals(ownMno) ? codeIssuer : null;
        if (partner != null && !peers.isPartner(partner)) {
            throw ApiException.of(ApiError.INVALID_INPUT,
                    "the activation code was issued by MNO " + partner + ", which is not a partner of this operator",
                    "activationCode");
        }
        // The same primary entering the same code gets the same request id: a retry after a timeout
        // finds at the partner the activation the first attempt made (keyed, so logs do not reveal it).
        String requestId = codes.hash(primary.value() + "|" + (partner != null ? partner : ownMno).id() + "|" + code)
                .substring(0, 40);
        Outcome outcome = tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.lockDevice(primary, now);
            if (validCorrelator != null) {
                Optional<Twinning> replay = store.findActiveByPrimaryCorrelator(primary, validCorrelator);
                if (replay.isPresent()) {
                    return new Outcome(TwinningView.of(replay.get(), Role.PRIMARY, null, now), null, false);
                }
            }
            Optional<AttemptWindow> attempts = store.attempts(primary);
            CodeAttempts.requireNotBlocked(failures.blockedFor(attempts, policy.maxFailedAttempts(), now));
            // A Pending request that a partner made in this device's name does not make it a secondary.
            if (store.findLiveBySecondary(primary).filter(t -> t.status().isActive()
                    || ownMno.equals(t.secondaryMno())).isPresent()) {
                throw ApiException.of(ApiError.WRONG_ROLE, "a secondary device cannot become a primary device",
                        "Secondary", "Primary");
            }
            List<Twinning> mine = store.findActiveByPrimary(primary);
            List<String> taken = mine.stream().map(Twinning::name).collect(Collectors.toList());
            if (partner != null) {
                policy.checkRoomForAnotherSecondary(mine.size());
                if (validName != null) {
                    TwinningPolicy.checkNameFree(validName, taken);
                }
                return activateAtPartner(store, partner, requestId, primary, code, validName, taken,
                        validCorrelator, attempts, now);
            }
            Optional<Twinning> pending = store.findPendingByCodeHashForUpdate(codes.hash(code))
                    .filter(t -> !t.code().isExpired(now));
            if (pending.isEmpty()) {
                store.saveAttempts(primary, failures.afterFailure(attempts, now));
                return new Outcome(null, "the activation code is wrong, already used or expired", false);
            }
            policy.checkRoomForAnotherSecondary(mine.size());
            Twinning candidate = pending.get();
            if (store.isActivePrimary(candidate.secondary())) {
                throw ApiException.of(ApiError.WRONG_ROLE, "a primary device cannot become a secondary device",
                        "Primary", "Secondary");
            }
            String chosen;
            if (validName != null) {
                TwinningPolicy.checkNameFree(validName, taken);
                chosen = validName;
            } else {
                chosen = policy.defaultName(candidate.secondary(), taken);
            }
            // The primary's voice mail is reached through its own number (HLF-SD-009 services).
            Twinning activated = candidate.activate(primary, ownMno, chosen, primary, validCorrelator, now);
            Optional<Mno> secondaryMno = candidate.partner(ownMno);
            if (secondaryMno.isPresent()) {
                if (!peers.serves(secondaryMno.get(), candidate.secondary())) {
                    // checked before the partner is called and commits (its ranges may have changed since
                    // it asked for the code)
                    throw ApiException.of(ApiError.POLICY_LIMIT, "the device with this code is outside the address "
                            + "ranges of its MNO " + secondaryMno.get() + "; it cannot be twinned from here", "activationCode");
                }
                // HLF-IC-006: the secondary's MNO asked for this code; its side turns On first.
                Twinning.AuthCode authCode = authCodes.issue(primary, candidate.secondary(), candidate.id());
                Mno other = secondaryMno.get();
                atPartner(store, other, requestId, candidate.secondary(), primary, () -> {
                    peers.updateSecondary(other, new Peers.SecondaryUpdate(requestId, candidate.secondary(), primary,
                            chosen, authCode == null ? null : authCode.value(), primary, true));
                    return null;
                });
                activated = activated.withAuthCode(authCode)
                        .withPeer(new Twinning.PeerLink(requestId, java.util.Map.of()));
            }
            activated = store.update(activated);
            store.appendEvent(TwinningEvent.of(activated, TwinningEvent.Type.ACTIVATED, Role.PRIMARY, primary));
            return new Outcome(TwinningView.of(activated, Role.PRIMARY, null, now), null, secondaryMno.isEmpty());
        });
        if (outcome.rejection != null) {
            throw ApiException.of(ApiError.INVALID_INPUT, outcome.rejection, "activationCode");
        }
        if (outcome.activated) {
            attachAuthCode(outcome.view);
        }
        return outcome.view;
    }

    /**
     * Runs a partner call that changes the partner's side inside our activation transaction. An undo of
     * this activation is queued first, in its own transaction and due only after a delay; our
     * transaction withdraws it as it commits. So if we fail to commit for any reason, a crash included,
     * the partner is told to end what this request made there, and no side stays half-twinned.
     */
    private <T> T atPartner(TwinningStore store, Mno partner, String requestId, DeviceAddress secondary,
            DeviceAddress primary, java.util.function.Supplier<T> call) {
        peers.prepareUndo(partner, requestId, secondary, primary);
        T result = call.get();
        if (!store.withdrawPeerUndo(partner, requestId)) {
            // The undo is already on its way (our transaction took too long): do not commit.
            throw ApiException.of(ApiError.UNAVAILABLE, "the partner MNO " + partner + " did not answer in time, retry",
                    "mno");
        }
        return result;
    }

    /**
     * HLF-IC-004: the code was issued by the secondary's MNO. It checks the code and turns its side On;
     * ours starts On. The authCode is minted before our commit so that the update sent to the partner
     * (through the outbox, on the Activated event) carries it.
     */
    private Outcome activateAtPartner(TwinningStore store, Mno partner, String requestId, DeviceAddress primary,
            String code, String validName, List<String> taken, String correlator, Optional<AttemptWindow> attempts,
            Instant now) {
        DeviceAddress secondary;
        try {
            secondary = atPartner(store, partner, requestId, null, primary,
                    () -> peers.redeem(partner, requestId, code, primary));
        } catch (ApiException refused) {
            if (refused.error() == ApiError.INVALID_INPUT && refused.variables().contains("activationCode")) {
                // A wrong code counts here too: a primary cannot probe partners' codes without limit.
                store.saveAttempts(primary, failures.afterFailure(attempts, now));
                return new Outcome(null, refused.text(), false);
            }
            throw refused;
        }
        // A Pending request the partner made here for this secondary (flow 1) is superseded.
        Optional<Twinning> here = store.findLiveBySecondary(secondary);
        if (here.isPresent()) {
            if (here.get().status() != TwinningStatus.PENDING || !partner.equals(here.get().secondaryMno())) {
                throw ApiException.of(ApiError.ALREADY_TWINNED, "the device is already twinned with a primary device",
                        "already twinned");
            }
            store.update(here.get().deactivate(now));
        }
        String chosen = validName != null ? validName : policy.defaultName(secondary, taken);
        String id = Ids.newId();
        Twinning activated = Twinning.activatedWithPartner(id, secondary, partner, primary, ownMno, chosen, primary,
                correlator, requestId, now).withAuthCode(authCodes.issue(primary, secondary, id));
        store.insert(activated);
        store.appendEvent(TwinningEvent.of(activated, TwinningEvent.Type.ACTIVATED, Role.PRIMARY, primary));
        return new Outcome(TwinningView.of(activated, Role.PRIMARY, null, now), null, false);
    }

    /**
     * HLF-SD-009: after the activation committed, the authorization server mints the secondary's
     * authCode, stored on the relationship before the primary gets its answer. Without an answer from
     * the authorization server the activation stands, without authCode (logged).
     */
    private void attachAuthCode(TwinningView activated) {
        Twinning.AuthCode code = authCodes.issue(activated.own(), activated.otherDevice().address(), activated.id());
        if (code == null) {
            return;
        }
        tx.inTransaction(store -> {
            store.findByIdForUpdate(activated.id())
                    .filter(t -> t.status().isActive() && t.authCode() == null)
                    .ifPresent(t -> store.update(t.withAuthCode(code)));
            return null;
        });
    }

    private record Outcome(TwinningView view, String rejection, boolean activated) {}

    /** HLF-PD-003/PD-006: a primary lists its secondaries; a secondary sees its one relationship. */
    public List<TwinningView> list(DeviceAddress caller, DeviceAddress otherFilter, String nameFilter) {
        Instant now = clock.instant();
        return tx.read(store -> store.findVisibleTo(caller)).stream()
                .map(t -> unspent(TwinningView.of(t, t.roleOf(caller).orElseThrow(), null, now)))
                .filter(v -> otherFilter == null
                        || (v.otherDevice() != null && otherFilter.equals(v.otherDevice().address())))
                .filter(v -> nameFilter == null || nameFilter.equals(v.name()))
                .toList();
    }

    public TwinningView get(DeviceAddress caller, String id) {
        Twinning t = visible(tx.read(store -> store.findById(id)), caller, id);
        return unspent(TwinningView.of(t, t.roleOf(caller).orElseThrow(), null, clock.instant()));
    }

    /**
     * HLF-SD-009: an authCode is shown until it can no longer be used. Expiry is known here; an exchange
     * only to the authorization server, asked while the code would still show: once spent, it is
     * forgotten (so the question is asked at most until then).
     */
    private TwinningView unspent(TwinningView v) {
        if (v.authCode() == null || authCodes.isRedeemable(v.authCode())) {
            return v;
        }
        tx.inTransaction(store -> {
            store.findByIdForUpdate(v.id())
                    .filter(t -> t.authCode() != null && t.authCode().value().equals(v.authCode()))
                    .ifPresent(t -> store.update(t.withAuthCode(null)));
            return null;
        });
        return v.withoutAuthCode();
    }

    /**
     * Full replace where only twinningStatus and (for the primary) name may differ; the caller compared
     * the rest against {@code expectedVersion}, so a change in between is a lost race (SVC2007).
     */
    public TwinningView replace(DeviceAddress caller, String id, int expectedVersion, TwinningStatus status,
            String name) {
        String validName = name == null ? null : TwinningPolicy.validName(name);
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            Twinning current = visible(store.findByIdForUpdate(id), caller, id);
            if (current.version() != expectedVersion) {
                throw ApiException.of(ApiError.CONFLICT, "the twinning changed while it was being replaced", id);
            }
            Role actor = current.roleOf(caller).orElseThrow();
            Twinning next = current;
            if (validName != null && !validName.equals(current.name())) {
                next = renamed(store, next, actor, validName);
            }
            if (status != null) {
                next = next.toggle(status, now);
            }
            return TwinningView.of(save(store, current, next, actor, caller), actor, null, now);
        });
    }

    /** HLF-PD-002, HLF-SD-004: light-weight toggle by either side. */
    public TwinningStatus setStatus(DeviceAddress caller, String id, TwinningStatus status) {
        return tx.inTransaction(store -> {
            Twinning current = visible(store.findByIdForUpdate(id), caller, id);
            Role actor = current.roleOf(caller).orElseThrow();
            return save(store, current, current.toggle(status, clock.instant()), actor, caller).status();
        });
    }

    /** Light-weight rename, primary only; names stay unique per primary (HLF-TE-007). */
    public String rename(DeviceAddress caller, String id, String name) {
        String validName = TwinningPolicy.validName(name);
        return tx.inTransaction(store -> {
            Twinning current = visible(store.findByIdForUpdate(id), caller, id);
            Role actor = current.roleOf(caller).orElseThrow();
            if (validName.equals(current.name()) && actor == Role.PRIMARY) {
                return validName;
            }
            return save(store, current, renamed(store, current, actor, validName), actor, caller).name();
        });
    }

    /** HLF-PD-004, HLF-SD-007: either side ends the relationship on both sides. */
    public void deactivate(DeviceAddress caller, String id) {
        tx.inTransaction(store -> {
            Twinning current = visible(store.findByIdForUpdate(id), caller, id);
            Role actor = current.roleOf(caller).orElseThrow();
            Twinning ended = store.update(current.deactivate(clock.instant()));
            store.appendEvent(TwinningEvent.of(ended, TwinningEvent.Type.DEACTIVATED, actor, caller));
            return null;
        });
    }

    /** Whether {@code device} is or was a side of the relationship, deactivated or not. */
    public boolean wasParty(DeviceAddress device, String id) {
        return tx.read(store -> store.findById(id)).flatMap(t -> t.roleOf(device)).isPresent();
    }

    /** The operator's limit of secondaries per primary (POL2008). */
    public int maxSecondaries() {
        return policy.maxSecondaries();
    }

    /** Whether the relationship exists and is not deactivated (a twinning token is valid only then). */
    public boolean isLive(String id) {
        return tx.read(store -> store.findById(id).map(Twinning::isLive).orElse(false));
    }

    private Twinning renamed(TwinningStore store, Twinning current, Role actor, String name) {
        Twinning next = current.rename(actor, name);
        List<String> taken = store.findActiveByPrimary(current.primary()).stream()
                .filter(t -> !t.id().equals(current.id()))
                .map(Twinning::name)
                .toList();
        TwinningPolicy.checkNameFree(name, taken);
        return next;
    }

    /** Writes {@code next} if it differs from {@code current}, with one event per kind of change. */
    private static Twinning save(TwinningStore store, Twinning current, Twinning next, Role actor,
            DeviceAddress caller) {
        if (next.equals(current)) {
            return current;
        }
        Twinning saved = store.update(next);
        if (!java.util.Objects.equals(current.name(), saved.name())) {
            store.appendEvent(TwinningEvent.of(saved, TwinningEvent.Type.RENAMED, actor, caller));
        }
        if (current.status() != saved.status()) {
            store.appendEvent(TwinningEvent.of(saved, TwinningEvent.Type.STATUS_CHANGED, actor, caller));
        }
        return saved;
    }

    /** Only the two sides of a live relationship see it; to anyone else it does not exist. */
    private static Twinning visible(Optional<Twinning> found, DeviceAddress caller, String id) {
        return found.filter(Twinning::isLive)
                .filter(t -> t.roleOf(caller).isPresent())
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "no twinning " + id + " for this device",
                        "twinningId"));
    }
}
