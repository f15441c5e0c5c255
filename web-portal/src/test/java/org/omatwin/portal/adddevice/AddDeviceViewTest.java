package org.omatwin.portal.adddevice;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.browserless.BrowserlessTest;
import com.vaadin.browserless.ViewPackages;
import com.vaadin.flow.component.UI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.portal.support.PortalRoutes;
import org.omatwin.portal.support.TestCore;

/** The add-a-device form without a browser, against a real core. */
// views are created here with their service (Spring injects it in the application): no route scanning
@ViewPackages(packages = "org.omatwin.portal.support")
class AddDeviceViewTest extends BrowserlessTest {
    private final TestCore core = TestCore.get();

    @AfterEach
    void removeTheDevicesAdded() {
        core.removeAllDevices();
    }
    private Twinnings alice;
    private AddDeviceView view;

    @BeforeEach
    void open() {
        PortalRoutes.register();
        alice = core.subscriber("alice");
        view = new AddDeviceView(() -> alice);
        UI.getCurrent().add(view);
    }

    @Test
    void offersOnlyTheSubscribersLinesWithLabelledFields() {
        assertThat(view.line.getListDataView().getItems()).containsExactlyInAnyOrder(TestCore.ALICE_PHONE,
                TestCore.ALICE_TABLET);
        assertThat(view.line.getLabel()).isEqualTo("Your line");
        assertThat(view.code.getLabel()).isEqualTo("Code shown on the device");
        assertThat(view.name.getLabel()).isEqualTo("Name (optional)");
        // the lines read as numbers, and help on finding the code is one click away
        assertThat(view.line.getItemLabelGenerator().apply(TestCore.ALICE_PHONE))
                .isEqualTo(Formats.DEFAULTS.number(TestCore.ALICE_PHONE)).doesNotStartWith("tel:");
        assertThat($(com.vaadin.flow.component.details.Details.class).id("code-help").getSummaryText())
                .isEqualTo("Where do I find the code?");
    }

    @Test
    void addsTheDeviceWhoseCodeIsEntered() {
        String watch = TestCore.tel();
        test(view.line).selectItem(Formats.DEFAULTS.number(TestCore.ALICE_TABLET));
        test(view.code).setValue(core.codeFor(watch));
        test(view.name).setValue("Swim watch " + watch.substring(9));
        test(view.addButton).click();
        assertThat(view.message()).isEqualTo("Swim watch " + watch.substring(9) + " ("
                + Formats.DEFAULTS.number(watch) + ") is now twinned with "
                + Formats.DEFAULTS.number(TestCore.ALICE_TABLET) + ".");
        assertThat(alice.lines().stream().flatMap(l -> l.devices().stream()).map(Twinnings.Device::address))
                .contains(watch);
        assertThat(view.code.getValue()).isEmpty();
    }

    @Test
    void explainsAWrongCodeAndRefusesABadlyFormedOne() {
        test(view.line).selectItem(Formats.DEFAULTS.number(TestCore.ALICE_PHONE));
        test(view.code).setValue("123");
        test(view.addButton).click();
        assertThat(view.code.isInvalid()).isTrue();
        assertThat(view.code.getErrorMessage()).isEqualTo("The code has six digits.");
        test(view.code).setValue("000000");
        test(view.addButton).click();
        assertThat(view.message()).isEqualTo(
                "That code is wrong, already used or expired. Ask the device for a new code and try again.");
    }

    @Test
    void asksForTheLine() {
        test(view.code).setValue("123456");
        test(view.addButton).click();
        assertThat(view.line.isInvalid()).isTrue();
        assertThat(view.message()).isEqualTo("Please correct the highlighted fields.");
    }
}
