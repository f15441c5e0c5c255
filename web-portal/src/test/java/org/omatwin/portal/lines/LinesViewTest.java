package org.omatwin.portal.lines;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.browserless.BrowserlessTest;
import com.vaadin.browserless.ViewPackages;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.portal.support.PortalRoutes;
import org.omatwin.portal.support.TestCore;

/** The lines screen without a browser, against a real core: toggle, rename, remove, refresh. */
// views are created here with their service (Spring injects it in the application): no route scanning
@ViewPackages(packages = "org.omatwin.portal.support")
class LinesViewTest extends BrowserlessTest {
    private final TestCore core = TestCore.get();

    @AfterEach
    void removeTheDevicesAdded() {
        core.removeAllDevices();
    }
    private Twinnings alice;
    private String watch;
    private String id;
    private LinesView view;

    @BeforeEach
    void aliceHasAWatch() {
        PortalRoutes.register();
        alice = core.subscriber("alice");
        watch = TestCore.tel();
        id = alice.activate(TestCore.ALICE_PHONE, core.codeFor(watch), "Watch " + watch.substring(9)).twinningId();
        view = new LinesView(() -> alice);
        UI.getCurrent().add(view);
    }

    private Div card() {
        return $(Div.class).id("device-" + id);
    }

    private Button button(String cssClass) {
        return $(Button.class, card()).all().stream().filter(b -> b.hasClassName(cssClass)).findFirst().orElseThrow();
    }

    private String status() {
        return $(Span.class, card()).all().stream().filter(s -> s.hasClassName("device-status")).findFirst()
                .orElseThrow().getText();
    }

    @Test
    void showsEachLineWithItsDevicesNumberStatusSinceAndNetwork() {
        String text = card().getElement().getTextRecursively();
        Formats f = Formats.DEFAULTS;
        assertThat(text).contains("Watch " + watch.substring(9), "Number: " + f.number(watch), "On since ",
                "Network: Example Mobile UK").doesNotContain("tel:", "MCC");
        assertThat(f.number(watch)).doesNotStartWith("tel:").contains(" ");
        String all = view.getElement().getTextRecursively();
        assertThat(all).contains("Line " + f.number(TestCore.ALICE_PHONE), "Line " + f.number(TestCore.ALICE_TABLET),
                "1 of 5 devices", "0 of 5 devices");
        assertThat(button("toggle").getAriaLabel()).contains("Turn off Watch " + watch.substring(9));
        // "Add a device" on each line, for that line
        assertThat($(com.vaadin.flow.router.RouterLink.class).all()).filteredOn(l -> l.hasClassName("add-device"))
                .extracting(l -> l.getHref()).containsExactlyInAnyOrder(
                        "add?line=" + java.net.URLEncoder.encode(TestCore.ALICE_PHONE, java.nio.charset.StandardCharsets.UTF_8),
                        "add?line=" + java.net.URLEncoder.encode(TestCore.ALICE_TABLET, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aLineCanBeGivenANickname() {
        Button name = $(Button.class).all().stream().filter(b -> b.hasClassName("nickname")
                && b.getAriaLabel().orElse("").endsWith(Formats.DEFAULTS.number(TestCore.ALICE_TABLET)))
                .findFirst().orElseThrow();
        test(name).click();
        RenameDialog dialog = $(RenameDialog.class).single();
        test(dialog.name).setValue("x".repeat(33));
        test(dialog.save).click();
        assertThat(dialog.isOpened()).as("33 characters is too long").isTrue();
        test(dialog.name).setValue("Work tablet");
        test(dialog.save).click();
        assertThat(view.getElement().getTextRecursively()).contains("Work tablet");
        assertThat(alice.linesWithLimit().lines()).filteredOn(l -> l.address().equals(TestCore.ALICE_TABLET))
                .singleElement().extracting(Twinnings.Line::nickname).isEqualTo("Work tablet");
        alice.setNickname(TestCore.ALICE_TABLET, "");
    }

    @Test
    void aLostDeviceIsTurnedOffAndRemovedInOneStepAfterAWarning() {
        test(button("lost")).click();
        ConfirmDialog confirm = $(ConfirmDialog.class).single();
        assertThat(confirm.getElement().getProperty("header")).endsWith("is lost or stolen?");
        assertThat(confirm.getElement().getProperty("message", "")).contains("turned off at once", "cannot be undone");
        test(confirm).confirm();
        assertThat(view.message()).endsWith("was turned off and removed.");
        assertThat(alice.lines().stream().flatMap(l -> l.devices().stream())).extracting(Twinnings.Device::twinningId)
                .doesNotContain(id);
        assertThat(alice.history(id)).extracting(Twinnings.Change::eventType)
                .startsWith("Deactivated", "StatusChanged");
    }

    @Test
    void turnsADeviceOffAndOnAgain() {
        test(button("toggle")).click();
        assertThat(view.message()).endsWith("is now off.");
        assertThat(status()).isEqualTo("Off");
        test(button("toggle")).click();
        assertThat(status()).isEqualTo("On");
    }

    @Test
    void renamesADeviceThroughAValidatedForm() {
        test(button("rename")).click();
        RenameDialog dialog = $(RenameDialog.class).single();
        test(dialog.name).setValue("");
        test(dialog.save).click();
        assertThat(dialog.name.isInvalid()).isTrue();
        assertThat(dialog.isOpened()).isTrue();
        String newName = "Renamed " + watch.substring(9);
        test(dialog.name).setValue(newName);
        test(dialog.save).click();
        assertThat($(H3.class, card()).single().getText()).isEqualTo(newName);
        assertThat(view.message()).isEqualTo("Renamed to " + newName + ".");
    }

    @Test
    void removingAsksForConfirmationSayingWhatWillHappen() {
        test(button("remove")).click();
        ConfirmDialog confirm = $(ConfirmDialog.class).single();
        assertThat(confirm.getElement().getProperty("header")).startsWith("Remove Watch");
        assertThat(confirm.getElement().getTextRecursively() + confirm.getElement().getProperty("message", ""))
                .isNotBlank();
        test(confirm).confirm();
        assertThat(view.message()).endsWith("was removed.");
        assertThat($(Div.class).all().stream().filter(d -> ("device-" + id).equals(d.getId().orElse(null))))
                .isEmpty();
    }

    @Test
    void showsTheChangeTheDeviceMadeAndExplainsAnActionOnARemovedDevice() {
        assertThat(core.deviceToggles(watch, id, "Off").status()).isEqualTo(200);
        test($(Button.class).id("refresh")).click();
        assertThat(status()).isEqualTo("Off");
        Button toggle = button("toggle");
        // the watch ends the relationship; the subscriber still has the old page
        assertThat(core.device(watch, "DELETE", "/twinnings/" + id, null).status()).isEqualTo(204);
        test(toggle).click();
        assertThat(view.message()).isEqualTo(
                "That device is no longer twinned with your line. The list has been refreshed.");
    }
}
