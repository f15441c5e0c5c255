package org.omatwin.portal.care;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.omatwin.portal.core.CoreError;
import org.omatwin.portal.core.CurrentSubscriber;
import org.omatwin.portal.core.DeviceCare;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.layout.PortalLayout;
import org.omatwin.portal.layout.StatusMessage;
import org.slf4j.LoggerFactory;

/**
 * Device care (seed 003 UP1, UP3, UP4; 5.7-5.9): each device on the subscriber's lines as it last
 * reported itself (make, model, firmware, installed software, settings, last seen), the updates available
 * for it with Install (after a confirmation that says what will happen), and Send my settings again.
 * What was started is followed live (server push of the core's stream) until its result, said in a
 * sentence.
 */
@Route(value = "device-care", layout = PortalLayout.class)
@PageTitle("Updates and settings")
@PermitAll
public class DeviceCareView extends VerticalLayout implements PortalLayout.TimeZoneAware {
    private final DeviceCare care;
    private final StatusMessage message = new StatusMessage();
    private final Div devices = new Div();
    /** The operations followed, by device: closed when the page goes away or the operation ends. */
    private final Map<String, AutoCloseable> following = new HashMap<>();
    /** The latest progress of what was started here, by device: shown until the page is left. */
    private final Map<String, DeviceCare.Progress> progress = new HashMap<>();
    private List<DeviceCare.Device> shown = List.of();

    public DeviceCareView(CurrentSubscriber subscriber) {
        this.care = subscriber.deviceCare();
        setMaxWidth("60rem");
        H2 title = new H2("Updates and settings");
        title.getStyle().set("font-size", "var(--lumo-font-size-xl)").set("margin-bottom", "0");
        devices.setId("care-devices");
        devices.setWidthFull();
        devices.getElement().setAttribute("role", "list");
        Button refresh = new Button("Refresh", e -> refresh());
        refresh.setId("refresh");
        refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout actions = new HorizontalLayout(PortalLayout.homeLink("Back to my devices"), refresh);
        actions.setAlignItems(Alignment.BASELINE);
        add(title, actions, message, devices);
        refresh();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        // resume following what is still running (started here earlier, or in another tab)
        shown.stream().filter(d -> d.running() != null).forEach(d -> follow(event.getUI(), d.running()));
    }

    @Override
    protected void onDetach(DetachEvent event) {
        following.values().forEach(DeviceCareView::close);
        following.clear();
        super.onDetach(event);
    }

    @Override
    public void timeZoneKnown() {
        refresh();
    }

    /** Reads the devices again from the core and redraws them. */
    public final void refresh() {
        try {
            shown = care.devices();
        } catch (CoreError e) {
            message.error(e.getMessage());
            return;
        }
        devices.removeAll();
        if (shown.isEmpty()) {
            devices.add(new Paragraph("No device on your lines has reported itself yet. Switch it on and connect "
                    + "it to the network, then use Refresh."));
        }
        shown.forEach(d -> devices.add(card(d)));
    }

    private Div card(DeviceCare.Device d) {
        Div card = new Div();
        card.addClassName("care-device");
        card.getElement().setAttribute("role", "listitem");
        card.getElement().setAttribute("data-dev-id", d.devId());
        card.getElement().setAttribute("aria-label", d.label());
        card.getStyle().set("border", "1px solid var(--lumo-contrast-20pct)")
                .set("border-radius", "var(--lumo-border-radius-l)").set("padding", "var(--lumo-space-m)")
                .set("margin-bottom", "var(--lumo-space-m)").set("overflow-wrap", "anywhere");
        H3 name = new H3(d.label());
        name.addClassName("device-name");
        name.getStyle().set("margin", "0");
        Span id = new Span(d.devId());
        id.addClassName("dev-id");
        id.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Div facts = new Div();
        facts.addClassName("device-facts");
        fact(facts, "Manufacturer", d.manufacturer(), "manufacturer");
        fact(facts, "Model", d.model(), "model");
        fact(facts, "Firmware", d.firmwareVersion(), "firmware");
        fact(facts, "Software version", d.softwareVersion(), "software-version");
        fact(facts, "Last seen", d.lastSeen() == null ? null : Formats.when(d.lastSeen(), PortalLayout.zone()),
                "last-seen");
        card.add(name, id, facts);
        if (!d.software().isEmpty()) {
            UnorderedList installed = new UnorderedList();
            installed.addClassName("installed-software");
            d.software().forEach(s -> installed.add(new ListItem((s.name() != null ? s.name() : s.id())
                    + (s.version() != null ? " " + s.version() : "") + (s.state() != null ? " (" + s.state().toLowerCase(
                            java.util.Locale.ROOT) + ")" : ""))));
            card.add(subheading("Installed software"), installed);
        }
        if (!d.configuration().isEmpty()) {
            card.add(new Paragraph("Settings on the device: " + String.join(", ", d.configuration().stream()
                    .map(uri -> uri.substring(uri.lastIndexOf('/') + 1)).toList())));
        }

        DeviceCare.Progress current = progress.getOrDefault(d.devId(), d.running());
        boolean busy = current != null && !current.isFinal();
        card.add(subheading("Updates"));
        if (d.updates().isEmpty()) {
            Paragraph upToDate = new Paragraph("No update is available: your " + d.label() + " is up to date.");
            upToDate.addClassName("up-to-date");
            card.add(upToDate);
        }
        for (DeviceCare.Update u : d.updates()) {
            Span what = new Span(u.name() + " " + u.version() + " · " + (u.isFirmware() ? "firmware " : "version ")
                    + (u.fromVersion() != null ? u.fromVersion() + " → " : "") + u.version() + " · " + size(u.size()));
            what.addClassName("update-name");
            Button install = new Button("Install", e -> confirmInstall(d, u));
            install.setId("install-" + d.devId() + "-" + u.packageId()); // unique: ids name one element
            install.addClassName("install");
            install.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
            install.setAriaLabel("Install " + u.name() + " " + u.version() + " on " + d.label());
            install.setEnabled(!busy);
            HorizontalLayout row = new HorizontalLayout(what, install);
            row.addClassName("update");
            row.setAlignItems(Alignment.BASELINE);
            row.getStyle().set("flex-wrap", "wrap");
            card.add(row);
        }
        Button resend = new Button("Send my settings again", e -> start(d, () -> care.resendSettings(d.devId())));
        resend.setId("resend-settings-" + d.devId());
        resend.addClassName("resend-settings");
        resend.addThemeVariants(ButtonVariant.LUMO_SMALL);
        resend.setAriaLabel("Send my settings to " + d.label() + " again");
        resend.setEnabled(d.hasSettings() && !busy);
        resend.setTooltipText(d.hasSettings() ? "Your operator's settings for this device are sent to it again"
                : "There are no settings for this device");
        card.add(resend);

        Div status = new Div();
        status.addClassName("care-progress");
        status.getElement().setAttribute("role", "status");
        status.getElement().setAttribute("aria-live", "polite");
        if (current != null) {
            Paragraph sentence = new Paragraph(current.sentence(d.label()));
            sentence.addClassName("progress-text");
            if (current.isFinal()) {
                sentence.getStyle().set("color", current.succeeded() ? "var(--lumo-success-text-color)"
                        : "var(--lumo-error-text-color)");
                if (!current.succeeded()) {
                    status.getElement().setAttribute("role", "alert");
                }
                status.add(sentence);
            } else {
                ProgressBar bar = new ProgressBar();
                bar.setIndeterminate(true);
                bar.getElement().setAttribute("aria-label", "In progress");
                status.add(bar, sentence);
            }
        }
        card.add(status);
        return card;
    }

    private static H3 subheading(String text) {
        H3 h = new H3(text);
        h.getStyle().set("font-size", "var(--lumo-font-size-m)").set("margin", "var(--lumo-space-s) 0 0");
        return h;
    }

    private static void fact(Div facts, String label, String value, String className) {
        Paragraph p = new Paragraph(label + ": " + (value == null ? "not reported" : value));
        p.addClassName(className);
        p.getStyle().set("margin", "0");
        facts.add(p);
    }

    /** Says what will happen, and installs only once the subscriber confirms. */
    private void confirmInstall(DeviceCare.Device d, DeviceCare.Update u) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("confirm-install");
        confirm.setHeader("Install " + u.name() + " " + u.version() + "?");
        confirm.setText(u.isFirmware()
                ? "Your " + d.label() + " downloads the update (" + size(u.size()) + "), installs it and restarts. "
                        + "This takes a few minutes, and it cannot be used meanwhile. Its firmware goes from "
                        + (u.fromVersion() != null ? u.fromVersion() : "its current version") + " to " + u.version()
                        + ". Keep it charged and connected."
                : "Your " + d.label() + " downloads " + u.name() + " " + u.version() + " (" + size(u.size())
                        + ") and installs it. This takes a few minutes. Keep it charged and connected.");
        confirm.setCancelable(true);
        confirm.setCancelText("Not now");
        confirm.setConfirmText("Install");
        confirm.addConfirmListener(e -> start(d, () -> care.install(d.devId(), u.packageId())));
        confirm.open();
    }

    private void start(DeviceCare.Device d, java.util.function.Supplier<DeviceCare.Progress> action) {
        DeviceCare.Progress started;
        try {
            started = action.get();
        } catch (CoreError e) {
            message.error(e.getMessage());
            refresh();
            return;
        }
        message.setText("");
        progress.put(d.devId(), started);
        refresh();
        getUI().ifPresent(ui -> follow(ui, started));
    }

    /** Follows the operation until it ends: each change redraws the list, with the sentence. */
    private void follow(UI ui, DeviceCare.Progress p) {
        if (p.isFinal() || following.containsKey(p.devId())) {
            return;
        }
        try {
            following.put(p.devId(), care.follow(p.operationId(), next -> ui.access(() -> {
                progress.put(next.devId(), next);
                if (next.isFinal()) {
                    following.remove(next.devId()); // the core ends the stream itself
                    if (next.succeeded()) {
                        message.done(next.sentence(label(next.devId()))); // a notification too
                    }
                }
                refresh();
            }), () -> ui.access(() -> {
                following.remove(p.devId());
                message.info("Live progress stopped. Use Refresh to see the latest state.");
            })));
        } catch (CoreError e) {
            message.error(e.getMessage());
        }
    }

    private String label(String devId) {
        return shown.stream().filter(d -> d.devId().equals(devId)).findFirst().map(DeviceCare.Device::label)
                .orElse("device");
    }

    private static String size(long bytes) {
        if (bytes >= 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
        }
        return bytes >= 1_000 ? (bytes + 500) / 1_000 + " kB" : bytes + " bytes";
    }

    private static void close(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LoggerFactory.getLogger(DeviceCareView.class).debug("closing a progress stream", e);
        }
    }

    /** The visible message (for tests and screen readers alike). */
    public String message() {
        return message.getText();
    }
}
