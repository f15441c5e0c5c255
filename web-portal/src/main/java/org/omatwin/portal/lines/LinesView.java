package org.omatwin.portal.lines;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.omatwin.portal.adddevice.AddDeviceView;
import org.omatwin.portal.care.DeviceCareView;
import org.omatwin.portal.core.CoreError;
import org.omatwin.portal.core.CurrentSubscriber;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.core.LiveUpdates;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.portal.history.HistoryView;
import org.omatwin.portal.layout.PortalLayout;
import org.omatwin.portal.layout.StatusMessage;

/**
 * The subscriber's lines and, per line, the devices twinned with it: toggle, rename, remove. Changes
 * made elsewhere (by the device itself) arrive by server push from the core's change stream.
 */
@Route(value = "", layout = PortalLayout.class)
@PageTitle("My twinned devices")
@PermitAll
public class LinesView extends VerticalLayout implements PortalLayout.TimeZoneAware {
    private final Twinnings twinnings;
    private final Formats formats;
    private final StatusMessage message = new StatusMessage();
    private final Div linesList = new Div();

    public LinesView(CurrentSubscriber subscriber) {
        this.twinnings = subscriber.twinnings();
        this.formats = subscriber.formats();
        setMaxWidth("60rem");
        linesList.setId("lines");
        linesList.setWidthFull();
        Button refresh = new Button("Refresh", e -> refresh());
        refresh.setId("refresh");
        refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        RouterLink care = new RouterLink("Updates and settings of my devices", DeviceCareView.class);
        care.setId("device-care");
        HorizontalLayout actions = new HorizontalLayout(refresh, care);
        actions.setAlignItems(Alignment.BASELINE);
        actions.getStyle().set("flex-wrap", "wrap");
        add(message, linesList, actions);
        refresh();
        LiveUpdates.follow(this, twinnings, id -> refresh(),
                () -> message.info("Live updates stopped. Use Refresh to see the latest state."));
    }

    @Override
    public void timeZoneKnown() {
        refresh();
    }

    /** Reads the lines again from the core and redraws them. */
    public final void refresh() {
        Twinnings.Lines lines;
        try {
            lines = twinnings.linesWithLimit();
        } catch (CoreError e) {
            message.show(e.getMessage(), true);
            return;
        }
        linesList.removeAll();
        if (lines.lines().isEmpty()) {
            linesList.add(new Paragraph("No line is registered for you yet. Please contact customer care."));
        }
        for (Twinnings.Line line : lines.lines()) {
            linesList.add(lineSection(line, lines.maxDevicesPerLine()));
        }
    }

    private Div lineSection(Twinnings.Line line, int max) {
        Div section = new Div();
        section.addClassName("line");
        String number = formats.number(line.address());
        String title = line.nickname().isEmpty() ? "Line " + number : line.nickname();
        H2 heading = new H2(title);
        heading.getStyle().set("font-size", "var(--lumo-font-size-xl)").set("margin-bottom", "0");
        Span sub = new Span((line.nickname().isEmpty() ? "" : number + " · ") + line.devices().size() + " of " + max
                + " devices");
        sub.addClassName("line-count");
        sub.getStyle().set("color", "var(--lumo-secondary-text-color)");
        // the address as the core knows it, for assistive technology and tests
        section.getElement().setAttribute("data-line", line.address());
        section.getElement().setAttribute("aria-label", title + ", " + number);
        RouterLink add = new RouterLink("Add a device", AddDeviceView.class);
        add.setQueryParameters(com.vaadin.flow.router.QueryParameters.of("line", line.address()));
        add.addClassName("add-device");
        add.getElement().setAttribute("aria-label", "Add a device to " + title);
        if (line.devices().size() >= max) {
            add.setEnabled(false);
            add.setText("Device limit reached");
        }
        Button nickname = new Button(line.nickname().isEmpty() ? "Name this line" : "Rename line",
                e -> new RenameDialog(line.nickname().isEmpty() ? number : line.nickname(), "Name of the line",
                        32, newName -> {
                            twinnings.setNickname(line.address(), newName);
                            message.show("The line " + number + " is now called " + newName + ".", false);
                            refresh();
                        }).open());
        nickname.addClassName("nickname");
        nickname.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        nickname.setAriaLabel("Name the line " + number);
        HorizontalLayout lineActions = new HorizontalLayout(add, nickname);
        lineActions.setAlignItems(Alignment.BASELINE);
        lineActions.getStyle().set("flex-wrap", "wrap");
        section.add(heading, sub, lineActions);
        if (line.devices().isEmpty()) {
            section.add(new Paragraph("No device is twinned with this line yet."));
        }
        Div list = new Div();
        list.getElement().setAttribute("role", "list");
        line.devices().forEach(d -> list.add(deviceCard(line, d)));
        section.add(list);
        return section;
    }

    private Div deviceCard(Twinnings.Line line, Twinnings.Device d) {
        Div card = new Div();
        card.addClassName("device");
        card.setId("device-" + d.twinningId());
        card.getElement().setAttribute("role", "listitem");
        card.getStyle().set("border", "1px solid var(--lumo-contrast-20pct)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("padding", "var(--lumo-space-m)").set("margin-bottom", "var(--lumo-space-m)");
        H3 name = new H3(d.name());
        name.addClassName("device-name");
        name.getStyle().set("margin", "0").set("overflow-wrap", "anywhere").set("min-width", "0");
        Span status = new Span(d.status());
        status.addClassName("device-status");
        status.getElement().getThemeList().add("badge " + (d.isOn() ? "success" : "contrast"));
        // a badge keeps its own size when a long name wraps beside it
        status.getStyle().set("flex-shrink", "0").set("align-self", "flex-start");
        HorizontalLayout head = new HorizontalLayout(name, status);
        head.setWidthFull();
        head.setFlexGrow(1, name);
        head.setAlignItems(Alignment.START);
        java.time.ZoneId zone = PortalLayout.zone();
        Div facts = new Div(
                new Paragraph("Number: " + formats.number(d.address())),
                new Paragraph(d.status() + " since " + Formats.when(d.since(), zone)),
                new Paragraph("Network: " + formats.network(d.mno())));
        facts.addClassName("device-facts");

        String label = d.name();
        Button toggle = new Button(d.isOn() ? "Turn off" : "Turn on", e -> act(() -> twinnings.setOn(d.twinningId(),
                !d.isOn()), label + (d.isOn() ? " is now off." : " is now on.")));
        toggle.addClassName("toggle");
        toggle.setAriaLabel((d.isOn() ? "Turn off " : "Turn on ") + label);
        toggle.setEnabled(!"Pending".equals(d.status()));
        Button rename = new Button("Rename", e -> new RenameDialog(d.name(), "New name", 64, newName -> {
            twinnings.rename(d.twinningId(), newName);
            message.show("Renamed to " + newName + ".", false);
            refresh();
        }).open());
        rename.addClassName("rename");
        rename.setAriaLabel("Rename " + label);
        RouterLink history = new RouterLink("History", HistoryView.class, d.twinningId());
        history.addClassName("history");
        history.getElement().setAttribute("aria-label", "History of " + label);
        Button remove = new Button("Remove", e -> confirmRemove(line, d));
        remove.addClassName("remove");
        remove.setAriaLabel("Remove " + label);
        remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
        Button lost = new Button("Lost or stolen?", e -> confirmLost(line, d));
        lost.addClassName("lost");
        lost.setAriaLabel(label + " is lost or stolen");
        lost.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout buttons = new HorizontalLayout(toggle, rename, remove, lost, history);
        buttons.setAlignItems(Alignment.BASELINE);
        buttons.getStyle().set("flex-wrap", "wrap");
        card.add(head, facts, buttons);
        return card;
    }

    /** A lost or stolen device: turned off and removed in one step, after a warning that says so. */
    private void confirmLost(Twinnings.Line line, Twinnings.Device d) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setHeader(d.name() + " is lost or stolen?");
        confirm.setText("It is turned off at once, then removed from " + formats.number(line.address())
                + ": it can no longer make or take calls or messages with your number. This cannot be undone. "
                + "If it was stolen, also call us to block it.");
        confirm.setCancelable(true);
        confirm.setCancelText("Cancel");
        confirm.setConfirmText("Turn off and remove");
        confirm.setConfirmButtonTheme("error primary");
        confirm.addConfirmListener(e -> act(() -> {
            if (d.isOn()) {
                twinnings.setOn(d.twinningId(), false);
            }
            twinnings.remove(d.twinningId());
            return null;
        }, d.name() + " was turned off and removed.", historyLink(d)));
        confirm.open();
    }

    private RouterLink historyLink(Twinnings.Device d) {
        RouterLink link = new RouterLink("See its history", HistoryView.class, d.twinningId());
        link.addClassName("removed-history");
        return link;
    }

    private void confirmRemove(Twinnings.Line line, Twinnings.Device d) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setHeader("Remove " + d.name() + "?");
        confirm.setText(formats.number(d.address()) + " will stop sharing the number and services of "
                + formats.number(line.address())
                + ". Both devices are told at once. This cannot be undone: to twin it again, the device must "
                + "show a new code.");
        confirm.setCancelable(true);
        confirm.setCancelText("Keep it");
        confirm.setConfirmText("Remove");
        confirm.setConfirmButtonTheme("error primary");
        confirm.addConfirmListener(e -> act(() -> {
            twinnings.remove(d.twinningId());
            return null;
        }, d.name() + " was removed.", historyLink(d)));
        confirm.open();
    }

    private void act(java.util.function.Supplier<?> action, String done,
            com.vaadin.flow.component.Component... links) {
        try {
            action.get();
            message.done(done, links);
        } catch (CoreError e) {
            boolean gone = "SVC2008".equals(e.messageId()) || "SVC0004".equals(e.messageId());
            message.show(e.getMessage() + (gone ? " The list has been refreshed." : ""), true);
        }
        refresh();
    }


    /** The visible message (for tests and screen readers alike). */
    public String message() {
        return message.getText();
    }
}
