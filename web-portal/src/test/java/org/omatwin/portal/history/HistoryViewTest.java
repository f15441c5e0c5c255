package org.omatwin.portal.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.browserless.BrowserlessTest;
import com.vaadin.browserless.ViewPackages;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.portal.support.PortalRoutes;
import org.omatwin.portal.support.TestCore;

/** A twinning's history without a browser, against a real core: newest first, by which side. */
// views are created here with their service (Spring injects it in the application): no route scanning
@ViewPackages(packages = "org.omatwin.portal.support")
class HistoryViewTest extends BrowserlessTest {
    private final TestCore core = TestCore.get();

    @org.junit.jupiter.api.BeforeEach
    void routes() {
        PortalRoutes.register();
    }

    @AfterEach
    void removeTheDevicesAdded() {
        core.removeAllDevices();
    }

    @Test
    void listsWhatHappenedNewestFirstAndWhichSideDidIt() {
        Twinnings alice = core.subscriber("alice");
        String watch = TestCore.tel();
        String id = alice.activate(TestCore.ALICE_PHONE, core.codeFor(watch), "Hist " + watch.substring(9))
                .twinningId();
        alice.rename(id, "Car " + watch.substring(9));
        HistoryView view = new HistoryView(() -> alice);
        UI.getCurrent().add(view);
        view.show(id);
        assertThat(view.entries()).hasSize(2);
        Formats f = Formats.DEFAULTS;
        assertThat(view.entries().get(0)).endsWith("Renamed to Car " + watch.substring(9) + " by the phone "
                + f.number(TestCore.ALICE_PHONE));
        assertThat(view.entries().get(1)).endsWith("Twinned as Hist " + watch.substring(9) + " by the phone "
                + f.number(TestCore.ALICE_PHONE));
        // each day a heading, each change its time
        assertThat($(com.vaadin.flow.component.html.H3.class).all()).extracting(h -> h.getText())
                .contains(Formats.day(java.time.Instant.now(), java.time.ZoneOffset.UTC));
        assertThat(view.entries().get(0)).matches("[0-9]{2}:[0-9]{2} · .*");

        assertThat(core.deviceToggles(watch, id, "Off").status()).isEqualTo(200);
        test($(Button.class).id("refresh")).click();
        assertThat(view.entries().get(0)).endsWith("Turned off by the device " + f.number(watch));

        // removed: its history can still be opened, and says when it ended
        alice.remove(id);
        view.show(id);
        assertThat(view.entries()).hasSize(4);
        assertThat(view.entries().get(0)).contains("Removed by the phone");
        assertThat(view.message()).startsWith("Car " + watch.substring(9) + " was removed on ");
    }

    @Test
    void anotherSubscribersTwinningHasNoHistoryToShow() {
        String id = core.subscriber("alice").activate(TestCore.ALICE_PHONE, core.codeFor(TestCore.tel()), null)
                .twinningId();
        HistoryView view = new HistoryView(() -> core.subscriber("bob"));
        UI.getCurrent().add(view);
        view.show(id);
        assertThat(view.entries()).isEmpty();
        assertThat(view.message()).as("there is no list on this page").isEqualTo(
                "That device is no longer twinned with your line.");
    }
}
