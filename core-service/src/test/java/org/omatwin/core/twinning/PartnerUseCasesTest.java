package org.omatwin.core.twinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.twinning.support.Refusals.refusal;
import static org.omatwin.core.twinning.support.TwinningFixture.OTHER_PARTNER;
import static org.omatwin.core.twinning.support.TwinningFixture.OWN;
import static org.omatwin.core.twinning.support.TwinningFixture.PARTNER;
import static org.omatwin.core.twinning.support.TwinningFixture.T0;
import static org.omatwin.core.twinning.support.TwinningFixture.otherCode;
import static org.omatwin.core.twinning.support.TwinningFixture.tel;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.twinning.support.InMemoryTwinningStore;
import org.omatwin.core.twinning.support.RecordingPeers;
import org.omatwin.core.twinning.support.TwinningFixture;

/** What a partner MNO may ask of us (HLF-IC-003/004), on the in-memory store shared with our devices' use cases. */
class PartnerUseCasesTest {
    private static final int MAX_PENDING = 2;

    private final RecordingPeers peers = new RecordingPeers(PARTNER, OTHER_PARTNER);
    private final TwinningFixture f = new TwinningFixture(TwinningFixture.POLICY, peers);
    private final PartnerUseCases partners = partnerUseCases(f, TwinningFixture.POLICY);
    private final TwinningUseCases devices = f.twinnings;
    private final DeviceAddress theirWatch = tel();
    private final DeviceAddress ourPhone = tel();
    private final DeviceAddress theirPhone = tel();
    private final DeviceAddress ourWatch = tel();

    private static PartnerUseCases partnerUseCases(TwinningFixture f, TwinningPolicy policy) {
        return new PartnerUseCases(f.store.transactions(), policy, f.codes, OWN, MAX_PENDING, f.clock);
    }

    // --- HLF-IC-003: a code for the partner's secondary, redeemed by one of our primaries ---

    @Test
    void thePartnerGetsASixDigitCodeOfOursForItsSecondary() {
        Peers.IssuedCode code = partners.issueCode(PARTNER, theirWatch);

        assertThat(code.code()).matches("[0-9]{6}");
        assertThat(code.issuer()).isEqualTo(OWN);
        assertThat(code.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(f.store.twinnings()).singleElement().satisfies(t -> {
            assertThat(t.secondary()).isEqualTo(theirWatch);
            assertThat(t.secondaryMno()).isEqualTo(PARTNER);
            assertThat(t.status()).isEqualTo(TwinningStatus.PENDING);
            assertThat(t.code().hash()).isEqualTo(f.codes.hash(code.code()));
        });
    }

    @Test
    void ourPrimaryRedeemsItAndThePartnerActivatesItsSideBeforeOurs() {
        String code = partners.issueCode(PARTNER, theirWatch).code();

        TwinningView on = devices.activate(ourPhone, code, null, "Watch", null);

        assertThat(on.status()).isEqualTo(TwinningStatus.ON);
        assertThat(on.otherDevice().address()).isEqualTo(theirWatch);
        assertThat(on.otherDevice().mno()).isEqualTo(PARTNER);
        assertThat(peers.updates()).singleElement().satisfies(u -> {
            assertThat(u.activation()).isTrue();
            assertThat(u.secondary()).isEqualTo(theirWatch);
            assertThat(u.primary()).isEqualTo(ourPhone);
            assertThat(u.name()).isEqualTo("Watch");
            assertThat(u.primaryVoiceMail()).isEqualTo(ourPhone);
            assertThat(u.authCode()).isEqualTo("auth-1");
            // an undo was queued first for exactly this activation
            assertThat(peers.undosPrepared()).containsExactly(PARTNER.id() + "/" + u.requestId());
            Twinning stored = f.store.twinning(on.id()).orElseThrow();
            assertThat(stored.authCode().value()).isEqualTo("auth-1");
            assertThat(stored.peer().activationRequestId()).isEqualTo(u.requestId());
        });
        assertThat(f.authCodes.issued()).hasSize(1);
    }

    @Test
    void anUnreachablePartnerLeavesNothingChangedAndTheCodeRedeemableLater() {
        String code = partners.issueCode(PARTNER, theirWatch).code();
        InMemoryTwinningStore.Contents before = f.store.contents();
        peers.failUpdatesWith(ApiException.of(ApiError.UNAVAILABLE, "partner unreachable", "mno"));

        refusal(ApiError.UNAVAILABLE, () -> devices.activate(ourPhone, code, null, null, null));

        assertThat(f.store.contents()).isEqualTo(before);
        peers.failUpdatesWith(null);
        assertThat(devices.activate(ourPhone, code, null, null, null).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void askingAgainWhilePendingReplacesTheCode() {
        Peers.IssuedCode first = partners.issueCode(PARTNER, theirWatch);
        f.clock.advance(Duration.ofMinutes(1));
        Peers.IssuedCode second = partners.issueCode(PARTNER, theirWatch);

        assertThat(second.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(11)));
        assertThat(f.store.twinnings()).hasSize(1);
        assertThat(second.code()).isNotEqualTo(first.code());
        refusal(ApiError.INVALID_INPUT, () -> devices.activate(ourPhone, first.code(), null, null, null));
        assertThat(devices.activate(ourPhone, second.code(), null, null, null).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void aPartnerCannotAskInTheNameOfOurDevicesOrAnotherPartnersDevices() {
        // our primary
        String code = devices.requestCode(ourWatch, null, null).code().plainCode();
        devices.activate(ourPhone, code, null, null, null);
        ApiException primary = refusal(ApiError.NOT_PERMITTED, () -> partners.issueCode(PARTNER, ourPhone));
        assertThat(primary.error().messageId()).isEqualTo("POL2003");
        // our secondary
        refusal(ApiError.NOT_PERMITTED, () -> partners.issueCode(PARTNER, ourWatch));
        // another partner's pending secondary
        partners.issueCode(OTHER_PARTNER, theirWatch);
        refusal(ApiError.NOT_PERMITTED, () -> partners.issueCode(PARTNER, theirWatch));
    }

    @Test
    void aPartnersSecondaryAlreadyTwinnedGetsNoCode() {
        String code = partners.issueCode(PARTNER, theirWatch).code();
        devices.activate(ourPhone, code, null, null, null);
        ApiException e = refusal(ApiError.ALREADY_TWINNED, () -> partners.issueCode(PARTNER, theirWatch));
        assertThat(e.error().messageId()).isEqualTo("POL2000");
    }

    // --- the partner's quota of unexpired codes ---

    @Test
    void aPartnerHoldsAtMostMaxPendingUnexpiredCodes() {
        DeviceAddress a = tel();
        DeviceAddress b = tel();
        DeviceAddress c = tel();
        partners.issueCode(PARTNER, a);
        partners.issueCode(PARTNER, b);
        InMemoryTwinningStore.Contents before = f.store.contents();

        ApiException e = refusal(ApiError.RATE_LIMITED, () -> partners.issueCode(PARTNER, c));
        assertThat(e.error().messageId()).isEqualTo("POL2005");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(10));
        // refused as a whole: not even c's device row was kept
        assertThat(f.store.contents()).isEqualTo(before);

        // a device already pending may ask again; another partner and our own devices have their own room
        partners.issueCode(PARTNER, a);
        partners.issueCode(OTHER_PARTNER, c);
        devices.requestCode(tel(), null, null);

        // a code redeemed no longer counts
        devices.activate(ourPhone, partners.issueCode(PARTNER, b).code(), null, null, null);
        DeviceAddress d = tel();
        partners.issueCode(PARTNER, d);
        refusal(ApiError.RATE_LIMITED, () -> partners.issueCode(PARTNER, tel()));

        // nor does an expired one
        f.clock.advance(Duration.ofMinutes(10));
        assertThat(partners.issueCode(PARTNER, tel()).code()).matches("[0-9]{6}");
    }

    // --- HLF-IC-004: the partner's primary redeems a code of our secondary ---

    @Test
    void thePartnersPrimaryRedeemsOurSecondarysCode() {
        String code = devices.requestCode(ourWatch, null, null).code().plainCode();
        f.clock.advance(Duration.ofMinutes(1));

        assertThat(partners.redeem(PARTNER, "req-1", code, theirPhone)).isEqualTo(ourWatch);

        TwinningView mine = devices.list(ourWatch, null, null).get(0);
        assertThat(mine.status()).isEqualTo(TwinningStatus.ON);
        assertThat(mine.otherDevice().address()).isEqualTo(theirPhone);
        assertThat(mine.otherDevice().mno()).isEqualTo(PARTNER);
        assertThat(f.store.events()).singleElement().satisfies(ev -> {
            assertThat(ev.type()).isEqualTo(TwinningEvent.Type.ACTIVATED);
            assertThat(ev.origin()).isEqualTo(PARTNER);
            assertThat(ev.actor()).isEqualTo(theirPhone);
        });

        // a retry of the same request answers the same and changes nothing
        InMemoryTwinningStore.Contents before = f.store.contents();
        assertThat(partners.redeem(PARTNER, "req-1", code, theirPhone)).isEqualTo(ourWatch);
        assertThat(f.store.contents()).isEqualTo(before);
        // another request with the used code is a wrong code
        refusal(ApiError.INVALID_INPUT, () -> partners.redeem(PARTNER, "req-2", code, theirPhone));
    }

    @Test
    void aWrongCodeFromThePartnerIsRefusedAndCountedAgainstItsPrimary() {
        String code = devices.requestCode(ourWatch, null, null).code().plainCode();
        String wrong = otherCode(code);
        for (int i = 0; i < TwinningFixture.POLICY.maxFailedAttempts(); i++) {
            ApiException e = refusal(ApiError.INVALID_INPUT, () -> partners.redeem(PARTNER, "r", wrong, theirPhone));
            assertThat(e.variables()).containsExactly("activationCode");
        }
        ApiException limited = refusal(ApiError.RATE_LIMITED, () -> partners.redeem(PARTNER, "r", code, theirPhone));
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofMinutes(15));
        // another primary of the same partner may still redeem
        assertThat(partners.redeem(PARTNER, "r2", code, tel())).isEqualTo(ourWatch);
    }

    @Test
    void thePartnerAsAWholeIsLimitedTooSoItCannotProbeWithEverNewPrimaries() {
        TwinningPolicy oneTry = new TwinningPolicy(5, Duration.ofMinutes(10), 1, Duration.ofMinutes(15), "Device");
        TwinningFixture g = new TwinningFixture(oneTry, Peers.NONE);
        PartnerUseCases p = partnerUseCases(g, oneTry);
        String code = g.twinnings.requestCode(ourWatch, null, null).code().plainCode();
        String wrong = otherCode(code);
        int partnerLimit = oneTry.maxFailedAttempts() * PartnerUseCases.PARTNER_ATTEMPT_FACTOR;
        for (int i = 0; i < partnerLimit; i++) {
            DeviceAddress primary = tel();
            refusal(ApiError.INVALID_INPUT, () -> p.redeem(PARTNER, "probe", wrong, primary));
        }

        refusal(ApiError.RATE_LIMITED, () -> p.redeem(PARTNER, "probe", code, tel()));
        // another partner is not affected
        assertThat(p.redeem(OTHER_PARTNER, "fair", code, tel())).isEqualTo(ourWatch);
    }

    @Test
    void aCodeIssuedForAPartnersSecondaryCannotBeRedeemedByAPartner() {
        String code = partners.issueCode(PARTNER, theirWatch).code();
        refusal(ApiError.INVALID_INPUT, () -> partners.redeem(PARTNER, "r", code, theirPhone));
        refusal(ApiError.INVALID_INPUT, () -> partners.redeem(OTHER_PARTNER, "r", code, tel()));
        assertThat(f.store.twinnings()).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TwinningStatus.PENDING));
    }

    @Test
    void anExpiredCodeIsRefused() {
        String code = devices.requestCode(ourWatch, null, null).code().plainCode();
        f.clock.advance(Duration.ofMinutes(10));
        refusal(ApiError.INVALID_INPUT, () -> partners.redeem(PARTNER, "r", code, theirPhone));
    }

    @Test
    void oneOfOurSecondariesCannotBeTheRedeemingPrimary() {
        String code = devices.requestCode(ourWatch, null, null).code().plainCode();
        DeviceAddress ourOtherWatch = tel();
        devices.requestCode(ourOtherWatch, null, null);
        ApiException e = refusal(ApiError.WRONG_ROLE, () -> partners.redeem(PARTNER, "r", code, ourOtherWatch));
        assertThat(e.error().messageId()).isEqualTo("POL1037");
    }

    @Test
    void aMalformedCodeIsRefusedBeforeAnythingIsCounted() {
        refusal(ApiError.INVALID_INPUT, () -> partners.redeem(PARTNER, "r", "12ab56", theirPhone));
        assertThat(f.store.attemptsOf(theirPhone)).isEmpty();
        assertThat(f.store.contents().attempts()).isEqualTo(Map.of());
    }
}
