package org.omatwin.portal.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omatwin.portal.support.TestCore;

/** The service the views call, against a real core over gRPC: results, and errors as human sentences. */
class TwinningsTest {
    private final TestCore core = TestCore.get();

    @AfterEach
    void removeTheDevicesAdded() {
        core.removeAllDevices();
    }

    private static void assertHuman(CoreError e) {
        assertThat(e.getMessage()).doesNotContainPattern("SVC|POL|NOT_FOUND|INVALID_ARGUMENT|PERMISSION|Exception|at org\\.");
    }

    @Test
    void aSubscriberAddsAndSeesADeviceOnTheirLine() {
        Twinnings alice = core.subscriber("alice");
        String watch = TestCore.tel();
        Twinnings.Device added = alice.activate(TestCore.ALICE_PHONE, core.codeFor(watch), "Garmin");
        assertThat(added.status()).isEqualTo("On");
        assertThat(added.mno()).isEqualTo("234-15");
        List<Twinnings.Line> lines = alice.lines();
        assertThat(lines).extracting(Twinnings.Line::address)
                .containsExactlyInAnyOrder(TestCore.ALICE_PHONE, TestCore.ALICE_TABLET);
        assertThat(lines.stream().flatMap(l -> l.devices().stream()).map(Twinnings.Device::address)).contains(watch);
    }

    @Test
    void wrongUsedAndMalformedCodesAreExplained() {
        Twinnings alice = core.subscriber("alice");
        assertThatThrownBy(() -> alice.activate(TestCore.ALICE_PHONE, "000000", null))
                .isInstanceOfSatisfying(CoreError.class, e -> {
                    assertThat(e.getMessage()).startsWith("That code is wrong, already used or expired.");
                    assertHuman(e);
                });
        String watch = TestCore.tel();
        String code = core.codeFor(watch);
        alice.activate(TestCore.ALICE_PHONE, code, null);
        assertThatThrownBy(() -> alice.activate(TestCore.ALICE_TABLET, code, null))
                .isInstanceOfSatisfying(CoreError.class, e -> assertThat(e.getMessage())
                        .startsWith("That code is wrong, already used or expired."));
        assertThatThrownBy(() -> alice.activate(TestCore.ALICE_PHONE, "12ab", null))
                .isInstanceOfSatisfying(CoreError.class, e -> assertThat(e.getMessage())
                        .startsWith("That code is wrong"));
    }

    @Test
    void theDeviceLimitIsExplained() {
        Twinnings bob = core.subscriber("bob");
        int present = bob.lines().get(0).devices().size();
        for (int i = present; i < 5; i++) {
            bob.activate(TestCore.BOB_PHONE, core.codeFor(TestCore.tel()), "Bob device " + i);
        }
        assertThatThrownBy(() -> bob.activate(TestCore.BOB_PHONE, core.codeFor(TestCore.tel()), "sixth"))
                .isInstanceOfSatisfying(CoreError.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("This line already has the most twinned devices allowed. "
                            + "Remove one before adding another.");
                    assertThat(e.messageId()).isEqualTo("POL2008");
                });
        // free the line again for other tests
        bob.lines().get(0).devices().forEach(d -> bob.remove(d.twinningId()));
    }

    @Test
    void anotherSubscribersDevicesCannotBeSeenOrChanged() {
        Twinnings alice = core.subscriber("alice");
        Twinnings bob = core.subscriber("bob");
        String id = alice.activate(TestCore.ALICE_TABLET, core.codeFor(TestCore.tel()), "Alice tablet watch")
                .twinningId();
        assertThat(bob.lines()).extracting(Twinnings.Line::address).containsExactly(TestCore.BOB_PHONE);
        assertThat(bob.lines().get(0).devices()).extracting(Twinnings.Device::twinningId).doesNotContain(id);
        String gone = "That device is no longer twinned with your line.";
        assertThatThrownBy(() -> bob.setOn(id, false)).hasMessage(gone);
        assertThatThrownBy(() -> bob.rename(id, "Bob's now")).hasMessage(gone);
        assertThatThrownBy(() -> bob.remove(id)).hasMessage(gone);
        assertThatThrownBy(() -> bob.history(id)).hasMessage(gone);
        assertThatThrownBy(() -> bob.activate(TestCore.ALICE_PHONE, core.codeFor(TestCore.tel()), null))
                .hasMessage(gone);
        // untouched for Alice
        assertThat(alice.history(id)).hasSize(1);
        assertThat(alice.lines().stream().flatMap(l -> l.devices().stream())
                .filter(d -> d.twinningId().equals(id)).findFirst().orElseThrow().isOn()).isTrue();
    }

    @Test
    void aTokenWithoutThePortalScopeIsNotEnough() {
        String deviceToken = core.token(TestCore.ALICE_PHONE, "oma_rest_twinning.all_v1");
        Twinnings asDevice = core.client.forSubscriber(() -> deviceToken);
        assertThatThrownBy(asDevice::lines).isInstanceOfSatisfying(CoreError.class, e -> {
            assertThat(e.messageId()).isEqualTo("POL2003");
            assertHuman(e);
        });
        Twinnings expired = core.client.forSubscriber(() -> "not.a.token");
        assertThatThrownBy(expired::lines).hasMessage("Your session has expired. Please sign in again.");
    }

    @Test
    void tooManyWrongCodesAskToWait() {
        Twinnings carol = core.subscriber("carol");
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> carol.activate(TestCore.CAROL_PHONE, "000000", null))
                    .hasMessageStartingWith("That code is wrong");
        }
        // even the right code waits now
        assertThatThrownBy(() -> carol.activate(TestCore.CAROL_PHONE, core.codeFor(TestCore.tel()), null))
                .isInstanceOfSatisfying(CoreError.class, e -> {
                    assertThat(e.messageId()).isEqualTo("POL2005");
                    assertThat(e.getMessage()).matches("Too many wrong codes were entered\\. Please wait "
                            + "(a minute|[0-9]+ minutes) and try again\\.");
                });
    }
}
