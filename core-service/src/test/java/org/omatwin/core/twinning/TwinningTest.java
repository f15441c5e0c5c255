package org.omatwin.core.twinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** The relationship state machine and the section-3 rules, as plain Java. */
class TwinningTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Mno MNO = new Mno("234", "15");
    private static final DeviceAddress WATCH = new DeviceAddress("tel:+447700900123");
    private static final DeviceAddress PHONE = new DeviceAddress("tel:+447700900999");

    private static Twinning pending() {
        return Twinning.pending("t1", WATCH, MNO, new Twinning.PendingCode("h", MNO, T0.plusSeconds(600)), "c1", T0);
    }

    @Test
    void secondaryStartsPendingWithCodeAndActivationTurnsItOnAndDropsTheCode() {
        Twinning p = pending();
        assertThat(p.status()).isEqualTo(TwinningStatus.PENDING);
        assertThat(p.code()).isNotNull();

        Twinning on = p.activate(PHONE, MNO, "Watch", PHONE, null, T0.plusSeconds(5));
        assertThat(on.status()).isEqualTo(TwinningStatus.ON);
        assertThat(on.code()).as("single use: no code survives activation").isNull();
        assertThat(on.primary()).isEqualTo(PHONE);
        assertThat(on.roleOf(PHONE)).contains(Role.PRIMARY);
        assertThat(on.roleOf(WATCH)).contains(Role.SECONDARY);
        assertThat(on.activatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aDeviceCannotTwinWithItself() {
        assertThatThrownBy(() -> pending().activate(WATCH, MNO, "x", WATCH, null, T0))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.WRONG_ROLE);
    }

    @Test
    void toggleOffKeepsTheRelationshipAndOnRestoresIt() {
        Twinning on = pending().activate(PHONE, MNO, "Watch", PHONE, null, T0);
        Twinning off = on.toggle(TwinningStatus.OFF, T0.plusSeconds(1));
        assertThat(off.status()).isEqualTo(TwinningStatus.OFF);
        assertThat(off.isLive()).as("HLF-TE-003: Off keeps the relationship").isTrue();
        assertThat(off.primary()).isEqualTo(PHONE);
        assertThat(off.toggle(TwinningStatus.ON, T0.plusSeconds(2)).status()).isEqualTo(TwinningStatus.ON);
        assertThat(off.toggle(TwinningStatus.OFF, T0.plusSeconds(3))).as("no-op toggle").isSameAs(off);
    }

    @Test
    void aPendingRelationshipCannotBeToggled() {
        assertThatThrownBy(() -> pending().toggle(TwinningStatus.OFF, T0))
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.NOT_CHANGEABLE);
    }

    @Test
    void onlyThePrimaryRenames() {
        Twinning on = pending().activate(PHONE, MNO, "Watch", PHONE, null, T0);
        assertThat(on.rename(Role.PRIMARY, "Car").name()).isEqualTo("Car");
        assertThatThrownBy(() -> on.rename(Role.SECONDARY, "Car"))
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.NOT_CHANGEABLE);
    }

    @Test
    void deactivationEndsTheRelationshipAndForgetsTheAuthCode() {
        Twinning on = pending().activate(PHONE, MNO, "Watch", PHONE, null, T0).withAuthCode(new Twinning.AuthCode("ac", T0.plusSeconds(300)));
        Twinning ended = on.deactivate(T0.plusSeconds(9));
        assertThat(ended.isLive()).isFalse();
        assertThat(ended.authCode()).isNull();
        assertThat(ended.deactivatedAt()).isEqualTo(T0.plusSeconds(9));
        assertThatThrownBy(() -> ended.deactivate(T0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void asecondRequestWhilePendingReplacesTheCode() {
        Twinning p = pending();
        Twinning.PendingCode fresh = new Twinning.PendingCode("h2", MNO, T0.plusSeconds(900));
        Twinning replaced = p.withNewCode(fresh, null, T0.plusSeconds(300));
        assertThat(replaced.code()).isEqualTo(fresh);
        assertThat(replaced.id()).isEqualTo(p.id());
        assertThat(replaced.secondaryCorrelator()).isEqualTo("c1");
    }

    @Test
    void codesExpireAtTheirExpiryTime() {
        Twinning.PendingCode code = new Twinning.PendingCode("h", MNO, T0.plus(Duration.ofMinutes(10)));
        assertThat(code.isExpired(T0.plus(Duration.ofMinutes(10)).minusMillis(1))).isFalse();
        assertThat(code.isExpired(T0.plus(Duration.ofMinutes(10)))).isTrue();
    }

    @Test
    void viewsShowEachSideWhatItMaySee() {
        Twinning on = pending().activate(PHONE, MNO, "Watch", PHONE, null, T0).withAuthCode(new Twinning.AuthCode("ac", T0.plusSeconds(300)));
        TwinningView secondary = TwinningView.of(on, Role.SECONDARY, null, T0);
        assertThat(secondary.otherDevice().address()).as("HLF-SD-006").isEqualTo(PHONE);
        assertThat(secondary.authCode()).isEqualTo("ac");
        assertThat(TwinningView.of(on, Role.SECONDARY, null, T0.plusSeconds(300)).authCode())
                .as("an expired authCode is not shown").isNull();
        assertThat(secondary.primaryVoiceMailAddress()).isEqualTo(PHONE);
        TwinningView primary = TwinningView.of(on, Role.PRIMARY, null, T0);
        assertThat(primary.authCode()).isNull();
        assertThat(primary.otherDevice().address()).isEqualTo(WATCH);
        assertThat(primary.name()).isEqualTo("Watch");
    }

    @Test
    void policyLimitsSecondariesAndNamesDefaultUniquely() {
        TwinningPolicy policy = TwinningPolicy.defaults();
        policy.checkRoomForAnotherSecondary(4);
        assertThatThrownBy(() -> policy.checkRoomForAnotherSecondary(5))
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.TOO_MANY_SECONDARIES);
        assertThat(policy.defaultName(WATCH, List.of())).isEqualTo("Device-0123");
        assertThat(policy.defaultName(WATCH, List.of("Device-0123", "Device-0123-2"))).isEqualTo("Device-0123-3");
        assertThatThrownBy(() -> TwinningPolicy.checkNameFree("Watch", List.of("Watch")))
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.INVALID_INPUT);
    }

    @Test
    void namesAreOneToSixtyFourPrintableCharacters() {
        assertThat(TwinningPolicy.validName("My watch")).isEqualTo("My watch");
        assertThat(TwinningPolicy.validName("x".repeat(64))).hasSize(64);
        for (String bad : new String[] {"", "x".repeat(65), " lead", "trail ", "bell\u0007"}) {
            assertThatThrownBy(() -> TwinningPolicy.validName(bad)).as(bad)
                    .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.INVALID_INPUT);
        }
    }
}
