package org.omatwin.portal.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.browserless.BrowserlessTest;
import com.vaadin.browserless.ViewPackages;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
        assertThat(view.entries().get(0)).endsWith("Renamed to Car " + watch.substring(9) + " by the phone "
                + TestCore.ALICE_PHONE);
        assertThat(view.entries().get(1)).endsWith("Twinned as Hist " + watch.substring(9) + " by the phone "
                + TestCore.ALICE_PHONE);

        assertThat(core.deviceToggles(watch, id, "Off").status()).isEqualTo(200);
        test($(Button.class).id("refresh")).click();
        assertThat(view.entries().get(0)).contains(" UTC: ").endsWith("Turned off by the device " + watch);
    }

    @Test
    void anotherSubscribersTwinningHasNoHistoryToShow() {
        String id = core.subscriber("alice").activate(TestCore.ALICE_PHONE, core.codeFor(TestCore.tel()), null)
                .twinningId();
        HistoryView view = new HistoryView(() -> core.subscriber("bob"));
        UI.getCurrent().add(view);
        view.show(id);
        assertThat(view.entries()).isEmpty();
        assertThat(view.message()).isEqualTo(
                "That device is no longer twinned with your line. The list has been refreshed.");
    }
}
