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
public class LinesView extends VerticalLayout {
    private final Twinnings twinnings;
    private final StatusMessage message = new StatusMessage();
    private final Div linesList = new Div();

    public LinesView(CurrentSubscriber subscriber) {
        this.twinnings = subscriber.twinnings();
        setMaxWidth("60rem");
        linesList.setId("lines");
        linesList.setWidthFull();
        Button refresh = new Button("Refresh", e -> refresh());
        refresh.setId("refresh");
        RouterLink add = new RouterLink("Add a device", AddDeviceView.class);
        add.setId("add-device");
        HorizontalLayout actions = new HorizontalLayout(add, refresh);
        actions.setAlignItems(Alignment.BASELINE);
        add(actions, message, linesList);
        refresh();
        LiveUpdates.follow(this, twinnings, id -> refresh(),
                () -> message.info("Live updates stopped. Use Refresh to see the latest state."));
    }

    /** Reads the lines again from the core and redraws them. */
    public final void refresh() {
        List<Twinnings.Line> lines;
        try {
            lines = twinnings.lines();
        } catch (CoreError e) {
            message.show(e.getMessage(), true);
            return;
        }
        linesList.removeAll();
        if (lines.isEmpty()) {
            linesList.add(new Paragraph("No line is registered for you yet. Please contact customer care."));
        }
        for (Twinnings.Line line : lines) {
            linesList.add(lineSection(line));
        }
    }

    private Div lineSection(Twinnings.Line line) {
        Div section = new Div();
        section.addClassName("line");
        H2 heading = new H2("Line " + line.address());
        heading.getStyle().set("font-size", "var(--lumo-font-size-xl)");
        section.add(heading);
        if (line.devices().isEmpty()) {
            section.add(new Paragraph("No device is twinned with this line."));
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
        Span status = new Span(d.status());
        status.addClassName("device-status");
        status.getElement().getThemeList().add("badge " + (d.isOn() ? "success" : "contrast"));
        Div facts = new Div(
                new Paragraph("Number: " + d.address()),
                new Paragraph("Status: " + d.status() + " since " + Formats.when(d.since())),
                new Paragraph("Network (MCC-MNC): " + d.mno()));
        facts.addClassName("device-facts");

        String label = d.name();
        Button toggle = new Button(d.isOn() ? "Turn off" : "Turn on", e -> act(() -> twinnings.setOn(d.twinningId(),
                !d.isOn()), label + (d.isOn() ? " is now off." : " is now on.")));
        toggle.addClassName("toggle");
        toggle.setAriaLabel((d.isOn() ? "Turn off " : "Turn on ") + label);
        toggle.setEnabled(!"Pending".equals(d.status()));
        Button rename = new Button("Rename", e -> new RenameDialog(d.name(), newName -> {
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
        HorizontalLayout buttons = new HorizontalLayout(toggle, rename, remove, history);
        buttons.setAlignItems(Alignment.BASELINE);
        buttons.getStyle().set("flex-wrap", "wrap");
        card.add(new HorizontalLayout(name, status), facts, buttons);
        return card;
    }

    private void confirmRemove(Twinnings.Line line, Twinnings.Device d) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setHeader("Remove " + d.name() + "?");
        confirm.setText(d.address() + " will stop sharing the number and services of " + line.address()
                + ". Both devices are told at once. This cannot be undone: to twin it again, the device must "
                + "show a new code.");
        confirm.setCancelable(true);
        confirm.setCancelText("Keep it");
        confirm.setConfirmText("Remove");
        confirm.setConfirmButtonTheme("error primary");
        confirm.addConfirmListener(e -> act(() -> {
            twinnings.remove(d.twinningId());
            return null;
        }, d.name() + " was removed."));
        confirm.open();
    }

    private void act(java.util.function.Supplier<?> action, String done) {
        try {
            action.get();
            message.show(done, false);
        } catch (CoreError e) {
            message.show(e.getMessage(), true);
        }
        refresh();
    }


    /** The visible message (for tests and screen readers alike). */
    public String message() {
        return message.getText();
    }
}
