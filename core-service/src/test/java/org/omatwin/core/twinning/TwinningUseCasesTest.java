package org.omatwin.core.twinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.twinning.support.Refusals.refusal;
import static org.omatwin.core.twinning.support.TwinningFixture.OWN;
import static org.omatwin.core.twinning.support.TwinningFixture.PARTNER;
import static org.omatwin.core.twinning.support.TwinningFixture.T0;
import static org.omatwin.core.twinning.support.TwinningFixture.otherCode;
import static org.omatwin.core.twinning.support.TwinningFixture.tel;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.twinning.support.InMemoryTwinningStore;
import org.omatwin.core.twinning.support.RecordingAuthCodes;
import org.omatwin.core.twinning.support.TwinningFixture;

/** The device rules straight on {@link TwinningUseCases}, over the in-memory store (no HTTP, no database). */
class TwinningUseCasesTest {
    private final TwinningFixture f = new TwinningFixture();
    private final TwinningUseCases uc = f.twinnings;
    private final DeviceAddress watch = tel();
    private final DeviceAddress phone = tel();

    private String codeFor(DeviceAddress secondary) {
        return uc.requestCode(secondary, null, null).code().plainCode();
    }

    /** Secondary asks, primary redeems: the primary's view. */
    private TwinningView twin(DeviceAddress primary, DeviceAddress secondary, String name) {
        return uc.activate(primary, codeFor(secondary), null, name, null);
    }

    // --- asking for a code (HLF-SD-001, SD-003, TE-005) ---

    @Test
    void theSecondaryGetsASixDigitCodeOfOurMnoThatExpiresAfterTheCodeLifetime() {
        TwinningView v = uc.requestCode(watch, null, "corr-1");

        assertThat(v.role()).isEqualTo(Role.SECONDARY);
        assertThat(v.status()).isEqualTo(TwinningStatus.PENDING);
        assertThat(v.own()).isEqualTo(watch);
        assertThat(v.otherDevice()).isNull();
        assertThat(v.clientCorrelator()).isEqualTo("corr-1");
        assertThat(v.code().plainCode()).matches("[0-9]{6}");
        assertThat(v.code().issuer()).isEqualTo(OWN);
        assertThat(v.code().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        // only the keyed hash is stored, never the code
        Twinning stored = f.store.twinning(v.id()).orElseThrow();
        assertThat(stored.code().hash()).isEqualTo(f.codes.hash(v.code().plainCode()))
                .doesNotContain(v.code().plainCode());
        assertThat(uc.get(watch, v.id()).code().plainCode()).isNull();
    }

    @Test
    void namingOurOwnMnoAsThePrimarysIsAnOrdinaryLocalCode() {
        TwinningView v = uc.requestCode(watch, OWN, null);
        assertThat(v.code().issuer()).isEqualTo(OWN);
        assertThat(uc.activate(phone, v.code().plainCode(), OWN, null, null).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void anMnoThatIsNotAPartnerIsRefusedForTheSecondaryAndForThePrimary() {
        ApiException asked = refusal(ApiError.INVALID_INPUT, () -> uc.requestCode(watch, PARTNER, null));
        assertThat(asked.variables()).containsExactly("otherDevice.mno");
        String code = codeFor(watch);
        ApiException redeemed = refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, PARTNER, null, null));
        assertThat(redeemed.variables()).containsExactly("activationCode");
        // the code of our MNO is still there to redeem
        assertThat(uc.activate(phone, code, null, null, null).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void askingAgainWhilePendingReplacesTheCodeOfTheSameResource() {
        TwinningView first = uc.requestCode(watch, null, null);
        f.clock.advance(Duration.ofMinutes(1));
        TwinningView second = uc.requestCode(watch, null, null);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.code().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(11)));
        assertThat(f.store.twinnings()).hasSize(1);
        if (!first.code().plainCode().equals(second.code().plainCode())) {
            refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, first.code().plainCode(), null, null, null));
        }
        assertThat(uc.activate(phone, second.code().plainCode(), null, null, null).status())
                .isEqualTo(TwinningStatus.ON);
    }

    @Test
    void aRetryWithTheSameCorrelatorWhilePendingReturnsTheSameCodeUntilItExpires() {
        TwinningView first = uc.requestCode(watch, null, "c-1");
        f.clock.advance(Duration.ofMinutes(1));
        TwinningView retry = uc.requestCode(watch, null, "c-1");
        assertThat(retry.id()).isEqualTo(first.id());
        assertThat(retry.code()).isEqualTo(first.code());
        assertThat(f.store.twinning(first.id()).orElseThrow().code().sealed())
                .isNotNull().doesNotContain(first.code().plainCode());

        f.clock.advance(Duration.ofMinutes(10));
        TwinningView afterExpiry = uc.requestCode(watch, null, "c-1");
        assertThat(afterExpiry.id()).isEqualTo(first.id());
        assertThat(afterExpiry.code().expiresAt()).as("a fresh code").isEqualTo(T0.plus(Duration.ofMinutes(21)));
        assertThat(uc.activate(phone, afterExpiry.code().plainCode(), null, null, null).status())
                .isEqualTo(TwinningStatus.ON);
    }

    // --- redeeming (HLF-PD-001, SD-005, SD-006, SD-009) ---

    @Test
    void thePrimaryRedeemsTheCodeAndBothSidesAreOn() {
        TwinningView pending = uc.requestCode(watch, null, null);
        f.clock.advance(Duration.ofMinutes(2));

        TwinningView primary = uc.activate(phone, pending.code().plainCode(), null, "Car", "p-1");

        assertThat(primary.id()).isEqualTo(pending.id());
        assertThat(primary.role()).isEqualTo(Role.PRIMARY);
        assertThat(primary.status()).isEqualTo(TwinningStatus.ON);
        assertThat(primary.name()).isEqualTo("Car");
        assertThat(primary.otherDevice().address()).isEqualTo(watch);
        assertThat(primary.otherDevice().role()).isEqualTo(Role.SECONDARY);
        assertThat(primary.code()).isNull();
        assertThat(primary.authCode()).isNull();

        TwinningView secondary = uc.get(watch, pending.id());
        assertThat(secondary.status()).isEqualTo(TwinningStatus.ON);
        assertThat(secondary.otherDevice().address()).isEqualTo(phone);
        assertThat(secondary.otherDevice().role()).isEqualTo(Role.PRIMARY);
        assertThat(secondary.otherDevice().mno()).isEqualTo(OWN);
        assertThat(secondary.primaryVoiceMailAddress()).isEqualTo(phone);
        assertThat(secondary.code()).isNull();
        // HLF-SD-009: the authorization server minted the secondary's authCode for this relationship
        assertThat(f.authCodes.issued()).containsExactly(
                new RecordingAuthCodes.Issued(phone, watch, pending.id(), "auth-1"));
        assertThat(secondary.authCode()).isEqualTo("auth-1");
        f.clock.advance(RecordingAuthCodes.LIFETIME);
        assertThat(uc.get(watch, pending.id()).authCode()).as("expired: no longer shown").isNull();
        assertThat(uc.list(watch, null, null)).singleElement().extracting(TwinningView::authCode).isNull();
        f.clock.advance(RecordingAuthCodes.LIFETIME.negated());
        // exchanged: no longer shown either, and forgotten
        f.authCodes.exchange("auth-1");
        assertThat(uc.get(watch, pending.id()).authCode()).as("exchanged: no longer shown").isNull();
        assertThat(f.store.twinning(pending.id()).orElseThrow().authCode()).isNull();

        assertThat(f.store.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinningEvent.Type.ACTIVATED);
            assertThat(e.twinningId()).isEqualTo(pending.id());
            assertThat(e.actor()).isEqualTo(phone);
            assertThat(e.status()).isEqualTo(TwinningStatus.ON);
            assertThat(e.occurredAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
        });
        assertThat(uc.isLive(pending.id())).isTrue();
    }

    @Test
    void withoutAnAuthorizationServerTheActivationStandsWithoutAuthCode() {
        TwinningFixture noAuth = new TwinningFixture(TwinningFixture.POLICY, Peers.NONE, AuthCodeIssuer.NONE);
        String code = noAuth.twinnings.requestCode(watch, null, null).code().plainCode();
        TwinningView on = noAuth.twinnings.activate(phone, code, null, null, null);
        assertThat(noAuth.twinnings.get(watch, on.id()).authCode()).isNull();
        assertThat(noAuth.twinnings.get(watch, on.id()).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void theDefaultNameIsThePrefixAndTheLastFourDigitsMadeUniquePerPrimary() {
        DeviceAddress a = new DeviceAddress("tel:+447700111234");
        DeviceAddress b = new DeviceAddress("tel:+447700221234");
        assertThat(twin(phone, a, null).name()).isEqualTo("Device-1234");
        assertThat(twin(phone, b, null).name()).isEqualTo("Device-1234-2");
    }

    @Test
    void aNameAlreadyUsedByTheSamePrimaryIsRefusedAndTheCodeStaysRedeemable() {
        twin(phone, watch, "Car");
        DeviceAddress watch2 = tel();
        String code = codeFor(watch2);
        ApiException e = refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, null, "Car", null));
        assertThat(e.variables()).containsExactly("name");
        assertThat(uc.activate(phone, code, null, "Bike", null).name()).isEqualTo("Bike");
        // another primary may use the same name
        assertThat(twin(tel(), tel(), "Car").name()).isEqualTo("Car");
    }

    @Test
    void anInvalidNameIsRefusedBeforeAnythingHappens() {
        String code = codeFor(watch);
        assertThat(refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, null, " Car", null)).variables())
                .containsExactly("name");
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, null, "x".repeat(65), null));
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, null, "", null));
        assertThat(uc.activate(phone, code, null, "x".repeat(64), null).status()).isEqualTo(TwinningStatus.ON);
    }

    // --- wrong, used, expired codes (SVC0002, variable activationCode) ---

    @Test
    void aWrongCodeIsRefusedNamingTheActivationCode() {
        String code = codeFor(watch);
        ApiException e = refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, otherCode(code), null, null, null));
        assertThat(e.error().messageId()).isEqualTo("SVC0002");
        assertThat(e.variables()).containsExactly("activationCode");
        assertThat(uc.get(watch, uc.list(watch, null, null).get(0).id()).status())
                .isEqualTo(TwinningStatus.PENDING);
    }

    @Test
    void aCodeIsSingleUse() {
        String code = codeFor(watch);
        uc.activate(phone, code, null, null, null);
        ApiException e = refusal(ApiError.INVALID_INPUT, () -> uc.activate(tel(), code, null, null, null));
        assertThat(e.variables()).containsExactly("activationCode");
    }

    @Test
    void aCodeExpiresAfterTheCodeLifetime() {
        String expiring = codeFor(watch);
        f.clock.advance(Duration.ofMinutes(10));
        ApiException e = refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, expiring, null, null, null));
        assertThat(e.variables()).containsExactly("activationCode");

        DeviceAddress watch2 = tel();
        String fresh = codeFor(watch2);
        f.clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(uc.activate(phone, fresh, null, null, null).otherDevice().address()).isEqualTo(watch2);
    }

    @Test
    void aCodeThatIsNotSixDigitsIsInvalidAndAMissingOneIsMissing() {
        codeFor(watch);
        assertThat(refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, "12345", null, null, null)).variables())
                .containsExactly("activationCode");
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, "12345a", null, null, null));
        refusal(ApiError.MISSING_ELEMENT, () -> uc.activate(phone, null, null, null, null));
    }

    // --- attempts limited (POL2005) ---

    @Test
    void afterMaxFailedAttemptsEvenTheRightCodeIsRateLimitedUntilTheWindowEnds() {
        String code = codeFor(watch);
        String wrong = otherCode(code);
        for (int i = 0; i < TwinningFixture.POLICY.maxFailedAttempts(); i++) {
            refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, wrong, null, null, null));
            f.clock.advance(Duration.ofMinutes(1));
        }
        // three failures at T0, T0+1, T0+2; the window started at T0 and lasts 15 minutes
        ApiException limited = refusal(ApiError.RATE_LIMITED, () -> uc.activate(phone, code, null, null, null));
        assertThat(limited.error().messageId()).isEqualTo("POL2005");
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofMinutes(12));
        assertThat(limited.variables()).containsExactly("activationCode");

        // other primaries are not affected
        DeviceAddress watch2 = tel();
        assertThat(twin(tel(), watch2, null).status()).isEqualTo(TwinningStatus.ON);

        f.clock.advance(Duration.ofMinutes(12).minusSeconds(1));
        refusal(ApiError.RATE_LIMITED, () -> uc.activate(phone, code, null, null, null));
        f.clock.advance(Duration.ofSeconds(1));
        // by now the code has expired too: ask for a new one
        assertThat(twin(phone, watch, null).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void aWrongCodeIsCountedEvenThoughTheRequestIsRefused() {
        String code = codeFor(watch);
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, otherCode(code), null, null, null));
        assertThat(f.store.attemptsOf(phone)).hasValueSatisfying(w -> {
            assertThat(w.failures()).isEqualTo(1);
            assertThat(w.startedAt()).isEqualTo(T0);
        });
        // a successful redemption leaves the count as it is
        uc.activate(phone, code, null, null, null);
        assertThat(f.store.attemptsOf(phone).orElseThrow().failures()).isEqualTo(1);
    }

    @Test
    void failuresInAnEndedWindowStartANewWindow() {
        String code = codeFor(watch);
        String wrong = otherCode(code);
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, wrong, null, null, null));
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, wrong, null, null, null));
        f.clock.advance(Duration.ofMinutes(15));
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, wrong, null, null, null));
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, wrong, null, null, null));
        // 4 failures in all but only 2 in the current window: not blocked
        String fresh = codeFor(watch);
        assertThat(uc.activate(phone, fresh, null, null, null).status()).isEqualTo(TwinningStatus.ON);
    }

    // --- roles (POL1037), already twinned (POL2000), too many secondaries (POL2008) ---

    @Test
    void aPrimaryCannotBecomeASecondary() {
        twin(phone, watch, null);
        ApiException e = refusal(ApiError.WRONG_ROLE, () -> uc.requestCode(phone, null, null));
        assertThat(e.error().messageId()).isEqualTo("POL1037");
    }

    @Test
    void aTwinnedSecondaryCannotBecomeAPrimary() {
        twin(phone, watch, null);
        String code = codeFor(tel());
        ApiException e = refusal(ApiError.WRONG_ROLE, () -> uc.activate(watch, code, null, null, null));
        assertThat(e.error().messageId()).isEqualTo("POL1037");
    }

    @Test
    void aPendingSecondaryCannotBecomeAPrimaryNorRedeemItsOwnCode() {
        String own = codeFor(watch);
        refusal(ApiError.WRONG_ROLE, () -> uc.activate(watch, own, null, null, null));
        String other = codeFor(tel());
        refusal(ApiError.WRONG_ROLE, () -> uc.activate(watch, other, null, null, null));
    }

    @Test
    void aTwinnedSecondaryCannotAskForAnotherCodeWhetherOnOrOff() {
        TwinningView t = twin(phone, watch, null);
        ApiException on = refusal(ApiError.ALREADY_TWINNED, () -> uc.requestCode(watch, null, null));
        assertThat(on.error().messageId()).isEqualTo("POL2000");
        assertThat(on.variables()).containsExactly("already twinned");
        uc.setStatus(watch, t.id(), TwinningStatus.OFF);
        refusal(ApiError.ALREADY_TWINNED, () -> uc.requestCode(watch, null, null));
    }

    @Test
    void aPrimaryMayHaveUpToMaxSecondariesThenPol2008() {
        twin(phone, tel(), null);
        TwinningView second = twin(phone, tel(), null);
        DeviceAddress third = tel();
        String code = codeFor(third);

        ApiException e = refusal(ApiError.TOO_MANY_SECONDARIES, () -> uc.activate(phone, code, null, null, null));
        assertThat(e.error().messageId()).isEqualTo("POL2008");
        assertThat(e.variables()).containsExactly("2");
        // not a wrong code: nothing counted, and the code is still good for another primary
        assertThat(f.store.attemptsOf(phone)).isEmpty();
        // an Off secondary still counts
        uc.setStatus(phone, second.id(), TwinningStatus.OFF);
        refusal(ApiError.TOO_MANY_SECONDARIES, () -> uc.activate(phone, code, null, null, null));
        // a deactivated one does not
        uc.deactivate(phone, second.id());
        assertThat(uc.activate(phone, code, null, null, null).otherDevice().address()).isEqualTo(third);
    }

    // --- toggle (HLF-PD-002, SD-004, TE-003) ---

    @Test
    void eitherSideTogglesAndBothSeeTheNewStatus() {
        TwinningView t = twin(phone, watch, null);
        f.clock.advance(Duration.ofMinutes(1));

        assertThat(uc.setStatus(phone, t.id(), TwinningStatus.OFF)).isEqualTo(TwinningStatus.OFF);
        assertThat(uc.get(watch, t.id()).status()).isEqualTo(TwinningStatus.OFF);
        assertThat(uc.get(watch, t.id()).statusChangedAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));

        f.clock.advance(Duration.ofMinutes(1));
        assertThat(uc.setStatus(watch, t.id(), TwinningStatus.ON)).isEqualTo(TwinningStatus.ON);
        assertThat(uc.get(phone, t.id()).status()).isEqualTo(TwinningStatus.ON);

        List<TwinningEvent> changes = f.store.events().stream()
                .filter(e -> e.type() == TwinningEvent.Type.STATUS_CHANGED).toList();
        assertThat(changes).extracting(TwinningEvent::actorRole, TwinningEvent::actor, TwinningEvent::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Role.PRIMARY, phone, TwinningStatus.OFF),
                        org.assertj.core.groups.Tuple.tuple(Role.SECONDARY, watch, TwinningStatus.ON));
    }

    @Test
    void offKeepsTheRelationshipAndTogglingToTheSameStatusChangesNothing() {
        TwinningView t = twin(phone, watch, null);
        uc.setStatus(watch, t.id(), TwinningStatus.OFF);
        assertThat(uc.isLive(t.id())).isTrue();
        assertThat(uc.list(phone, null, null)).extracting(TwinningView::id).containsExactly(t.id());

        InMemoryTwinningStore.Contents before = f.store.contents();
        assertThat(uc.setStatus(phone, t.id(), TwinningStatus.OFF)).isEqualTo(TwinningStatus.OFF);
        assertThat(f.store.contents()).isEqualTo(before);
    }

    @Test
    void aPendingRelationshipCannotBeToggled() {
        TwinningView pending = uc.requestCode(watch, null, null);
        ApiException e = refusal(ApiError.NOT_CHANGEABLE, () -> uc.setStatus(watch, pending.id(), TwinningStatus.ON));
        assertThat(e.variables()).containsExactly("twinningStatus");
    }

    // --- rename (primary only, HLF-TE-007) ---

    @Test
    void onlyThePrimaryRenamesAndNamesStayUniquePerPrimary() {
        TwinningView car = twin(phone, watch, "Car");
        TwinningView bike = twin(phone, tel(), "Bike");

        assertThat(uc.rename(phone, car.id(), "Red car")).isEqualTo("Red car");
        assertThat(uc.get(watch, car.id()).name()).isEqualTo("Red car");
        assertThat(f.store.events()).filteredOn(e -> e.type() == TwinningEvent.Type.RENAMED)
                .singleElement().satisfies(e -> {
                    assertThat(e.name()).isEqualTo("Red car");
                    assertThat(e.actor()).isEqualTo(phone);
                });

        ApiException bySecondary = refusal(ApiError.NOT_CHANGEABLE, () -> uc.rename(watch, car.id(), "Mine"));
        assertThat(bySecondary.error().messageId()).isEqualTo("POL1038");
        assertThat(bySecondary.variables()).containsExactly("name");

        ApiException taken = refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, bike.id(), "Red car"));
        assertThat(taken.variables()).containsExactly("name");
        refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, bike.id(), "bad\tname"));
        refusal(ApiError.MISSING_ELEMENT, () -> uc.rename(phone, bike.id(), null));
        assertThat(uc.get(phone, bike.id()).name()).isEqualTo("Bike");
    }

    @Test
    void nameLengthIsCountedInCodePoints() {
        String emoji = "\uD83D\uDE00"; // U+1F600, two UTF-16 units
        TwinningView t = twin(phone, watch, "Car");
        String sixtyFour = emoji.repeat(TwinningPolicy.MAX_NAME_LENGTH);
        assertThat(uc.rename(phone, t.id(), sixtyFour)).isEqualTo(sixtyFour);
        assertThat(uc.rename(phone, t.id(), emoji.repeat(33))).isEqualTo(emoji.repeat(33));
        refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, t.id(), sixtyFour + emoji));
    }

    @Test
    void illFormedTextAndFormatCharactersAreRefusedInNames() {
        TwinningView t = twin(phone, watch, "Car");
        for (String bad : List.of("lone\uD800surrogate", "low\uDC00first", "ends\uD83D",
                "photo\u202Egpj.exe", "zero\u200Bwidth", "bom\uFEFF", "soft\u00ADhyphen")) {
            ApiException e = refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, t.id(), bad));
            assertThat(e.error().messageId()).isEqualTo("SVC0002");
            assertThat(e.variables()).containsExactly("name");
        }
        // on activation too
        ApiException onActivation = refusal(ApiError.INVALID_INPUT,
                () -> uc.activate(phone, codeFor(tel()), null, "x\u202Ey", null));
        assertThat(onActivation.variables()).containsExactly("name");
        assertThat(uc.get(phone, t.id()).name()).isEqualTo("Car");
        // letters of any script, marks and emoji stay accepted
        assertThat(uc.rename(phone, t.id(), "Montre de Zo\u00E9 \u2014 \u624B\u8868 \uD83D\uDE97"))
                .isEqualTo("Montre de Zo\u00E9 \u2014 \u624B\u8868 \uD83D\uDE97");
    }

    @Test
    void namesAreUniquePerPrimaryWhateverTheirCase() {
        TwinningView first = twin(phone, watch, "Device-0401");
        refusal(ApiError.INVALID_INPUT, () -> twin(phone, tel(), "device-0401"));
        TwinningView other = twin(phone, tel(), "Other");
        ApiException e = refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, other.id(), "DEVICE-0401"));
        assertThat(e.variables()).containsExactly("name");
        assertThat(uc.rename(phone, other.id(), "Stra\u00DFe")).isEqualTo("Stra\u00DFe");
        refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, first.id(), "STRASSE"));
        // a device may change the case of its own name
        assertThat(uc.rename(phone, first.id(), "DEVICE-0401")).isEqualTo("DEVICE-0401");
    }

    @Test
    void renamingToTheCurrentNameWritesNothing() {
        TwinningView t = twin(phone, watch, "Car");
        InMemoryTwinningStore.Contents before = f.store.contents();
        assertThat(uc.rename(phone, t.id(), "Car")).isEqualTo("Car");
        assertThat(f.store.contents()).isEqualTo(before);
    }

    @Test
    void aPendingRelationshipCannotBeRenamed() {
        TwinningView pending = uc.requestCode(watch, null, null);
        refusal(ApiError.NOT_CHANGEABLE, () -> uc.rename(watch, pending.id(), "Car"));
    }

    // --- full replace (POL1038, SVC2007) ---

    @Test
    void aReplaceByThePrimaryChangesStatusAndNameTogether() {
        TwinningView t = twin(phone, watch, "Car");
        TwinningView current = uc.get(phone, t.id());

        TwinningView replaced = uc.replace(phone, t.id(), current.version(), TwinningStatus.OFF, "Van");

        assertThat(replaced.status()).isEqualTo(TwinningStatus.OFF);
        assertThat(replaced.name()).isEqualTo("Van");
        assertThat(replaced.version()).isGreaterThan(current.version());
        assertThat(f.store.events()).extracting(TwinningEvent::type).containsExactly(TwinningEvent.Type.ACTIVATED,
                TwinningEvent.Type.RENAMED, TwinningEvent.Type.STATUS_CHANGED);
    }

    @Test
    void aReplaceByTheSecondaryMayChangeTheStatusButNotTheName() {
        TwinningView t = twin(phone, watch, "Car");
        TwinningView mine = uc.get(watch, t.id());

        ApiException e = refusal(ApiError.NOT_CHANGEABLE,
                () -> uc.replace(watch, t.id(), mine.version(), TwinningStatus.OFF, "Mine"));
        assertThat(e.error().messageId()).isEqualTo("POL1038");
        // refused as a whole: the status did not change either
        assertThat(uc.get(phone, t.id()).status()).isEqualTo(TwinningStatus.ON);

        assertThat(uc.replace(watch, t.id(), mine.version(), TwinningStatus.OFF, "Car").status())
                .isEqualTo(TwinningStatus.OFF);
    }

    @Test
    void aReplaceAgainstAnOldVersionIsAConflict() {
        TwinningView t = twin(phone, watch, "Car");
        int seen = uc.get(watch, t.id()).version();
        uc.setStatus(phone, t.id(), TwinningStatus.OFF);

        ApiException e = refusal(ApiError.CONFLICT, () -> uc.replace(watch, t.id(), seen, TwinningStatus.ON, null));
        assertThat(e.error().messageId()).isEqualTo("SVC2007");
        assertThat(uc.get(watch, t.id()).status()).isEqualTo(TwinningStatus.OFF);
    }

    @Test
    void aReplaceOfAPendingRelationshipCannotTurnItOn() {
        TwinningView pending = uc.requestCode(watch, null, null);
        int version = uc.get(watch, pending.id()).version();
        refusal(ApiError.NOT_CHANGEABLE, () -> uc.replace(watch, pending.id(), version, TwinningStatus.ON, null));
    }

    // --- deactivate (HLF-PD-004, SD-007) ---

    @Test
    void thePrimaryDeactivatesAndTheRelationshipEndsOnBothSides() {
        TwinningView t = twin(phone, watch, null);
        f.clock.advance(Duration.ofMinutes(5));
        uc.deactivate(phone, t.id());

        assertThat(uc.isLive(t.id())).isFalse();
        refusal(ApiError.NOT_FOUND, () -> uc.get(watch, t.id()));
        refusal(ApiError.NOT_FOUND, () -> uc.get(phone, t.id()));
        assertThat(uc.list(phone, null, null)).isEmpty();
        assertThat(uc.list(watch, null, null)).isEmpty();
        // the authCode (the tokens' basis) is gone with it
        assertThat(f.store.twinning(t.id()).orElseThrow().authCode()).isNull();
        assertThat(f.store.events()).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinningEvent.Type.DEACTIVATED);
            assertThat(e.actorRole()).isEqualTo(Role.PRIMARY);
            assertThat(e.occurredAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        });
        // ending it twice: there is nothing left to end
        refusal(ApiError.NOT_FOUND, () -> uc.deactivate(watch, t.id()));
        // both devices are free again, in either role
        assertThat(twin(watch, phone, null).status()).isEqualTo(TwinningStatus.ON);
    }

    @Test
    void theSecondaryDeactivatesToo() {
        TwinningView t = twin(phone, watch, null);
        uc.deactivate(watch, t.id());
        refusal(ApiError.NOT_FOUND, () -> uc.get(phone, t.id()));
        assertThat(f.store.events()).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinningEvent.Type.DEACTIVATED);
            assertThat(e.actorRole()).isEqualTo(Role.SECONDARY);
            assertThat(e.actor()).isEqualTo(watch);
        });
        assertThat(uc.requestCode(watch, null, null).status()).isEqualTo(TwinningStatus.PENDING);
    }

    @Test
    void aSecondaryGivesUpAPendingRequestAndItsCodeNoLongerRedeems() {
        TwinningView pending = uc.requestCode(watch, null, null);
        uc.deactivate(watch, pending.id());
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, pending.code().plainCode(), null, null, null));
    }

    @Test
    void aThirdDeviceNeitherSeesNorTouchesTheRelationship() {
        TwinningView t = twin(phone, watch, "Car");
        DeviceAddress stranger = tel();
        int version = t.version();
        for (ApiException e : List.of(
                refusal(() -> uc.get(stranger, t.id())),
                refusal(() -> uc.setStatus(stranger, t.id(), TwinningStatus.OFF)),
                refusal(() -> uc.rename(stranger, t.id(), "Mine")),
                refusal(() -> uc.replace(stranger, t.id(), version, TwinningStatus.OFF, null)),
                refusal(() -> uc.deactivate(stranger, t.id())),
                refusal(() -> uc.get(phone, "no-such-id")))) {
            assertThat(e.error()).isEqualTo(ApiError.NOT_FOUND);
            assertThat(e.error().messageId()).isEqualTo("SVC2008");
        }
        assertThat(uc.list(stranger, null, null)).isEmpty();
        assertThat(uc.get(watch, t.id()).status()).isEqualTo(TwinningStatus.ON);
    }

    // --- clientCorrelator ---

    @Test
    void theSameCorrelatorFromTheSamePrimaryReturnsTheExistingRelationship() {
        String code = codeFor(watch);
        TwinningView first = uc.activate(phone, code, null, "Car", "corr-42");
        int events = f.store.events().size();

        // a retry after a lost answer: the code is used by now, the correlator finds the result
        TwinningView again = uc.activate(phone, code, null, "Car", "corr-42");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.clientCorrelator()).isEqualTo("corr-42");
        assertThat(f.store.events()).hasSize(events);
        assertThat(f.store.attemptsOf(phone)).isEmpty();
        assertThat(f.store.twinnings()).hasSize(1);

        // another primary's correlator is its own
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(tel(), code, null, null, "corr-42"));
    }

    @Test
    void aCorrelatorOfADeactivatedRelationshipNoLongerReplays() {
        String code = codeFor(watch);
        TwinningView first = uc.activate(phone, code, null, null, "corr-1");
        uc.deactivate(phone, first.id());
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, null, null, "corr-1"));
    }

    @Test
    void aCorrelatorMustBeOneTo256Characters() {
        assertThat(refusal(ApiError.INVALID_INPUT, () -> uc.requestCode(watch, null, "c".repeat(257))).variables())
                .containsExactly("clientCorrelator");
        refusal(ApiError.INVALID_INPUT, () -> uc.requestCode(watch, null, ""));
        String code = codeFor(watch);
        refusal(ApiError.INVALID_INPUT, () -> uc.activate(phone, code, null, null, "c".repeat(257)));
        assertThat(uc.activate(phone, code, null, null, "c".repeat(256)).clientCorrelator()).hasSize(256);
    }

    // --- list and filters (HLF-PD-003, PD-006) ---

    @Test
    void thePrimaryListsItsSecondariesInActivationOrderAndTheSecondaryItsOne() {
        DeviceAddress watch2 = tel();
        TwinningView car = twin(phone, watch, "Car");
        f.clock.advance(Duration.ofSeconds(1));
        TwinningView bike = twin(phone, watch2, "Bike");
        DeviceAddress waiting = tel();
        TwinningView pending = uc.requestCode(waiting, null, null);

        assertThat(uc.list(phone, null, null)).extracting(TwinningView::id).containsExactly(car.id(), bike.id());
        assertThat(uc.list(phone, null, null)).allSatisfy(v -> assertThat(v.role()).isEqualTo(Role.PRIMARY));
        assertThat(uc.list(watch2, null, null)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(bike.id());
            assertThat(v.role()).isEqualTo(Role.SECONDARY);
        });
        // a Pending secondary sees its request (without the code in clear)
        assertThat(uc.list(waiting, null, null)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(pending.id());
            assertThat(v.status()).isEqualTo(TwinningStatus.PENDING);
            assertThat(v.code().plainCode()).isNull();
        });

        assertThat(uc.list(phone, watch2, null)).extracting(TwinningView::id).containsExactly(bike.id());
        assertThat(uc.list(phone, null, "Car")).extracting(TwinningView::id).containsExactly(car.id());
        assertThat(uc.list(phone, watch2, "Car")).isEmpty();
        assertThat(uc.list(phone, tel(), null)).isEmpty();
        assertThat(uc.list(watch, phone, null)).extracting(TwinningView::id).containsExactly(car.id());
    }

    // --- a refusal changes nothing ---

    @Test
    void aRefusalLeavesTheStoreAsItWas() {
        TwinningView car = twin(phone, watch, "Car");
        twin(phone, tel(), "Bike");
        DeviceAddress waiting = tel();
        String code = codeFor(waiting);
        InMemoryTwinningStore.Contents before = f.store.contents();
        int version = uc.get(watch, car.id()).version();

        refusal(ApiError.ALREADY_TWINNED, () -> uc.requestCode(watch, null, null));
        refusal(ApiError.WRONG_ROLE, () -> uc.requestCode(phone, null, null));
        refusal(ApiError.WRONG_ROLE, () -> uc.activate(watch, code, null, null, null));
        refusal(ApiError.TOO_MANY_SECONDARIES, () -> uc.activate(phone, code, null, null, null));
        refusal(ApiError.NOT_CHANGEABLE, () -> uc.replace(watch, car.id(), version, TwinningStatus.OFF, "Mine"));
        refusal(ApiError.NOT_CHANGEABLE, () -> uc.rename(watch, car.id(), "Mine"));
        refusal(ApiError.INVALID_INPUT, () -> uc.rename(phone, car.id(), "Bike"));
        refusal(ApiError.NOT_FOUND, () -> uc.deactivate(tel(), car.id()));

        assertThat(f.store.contents()).isEqualTo(before);
        assertThat(f.store.transactions().rollbacks()).isPositive();
    }
}
