package org.omatwin.portal.history;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.omatwin.portal.core.CoreError;
import org.omatwin.portal.core.CurrentSubscriber;
import org.omatwin.portal.core.Formats;
import org.omatwin.portal.core.LiveUpdates;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.portal.layout.PortalLayout;
import org.omatwin.portal.layout.StatusMessage;

/** What happened to one twinning, newest first; updated by server push when either side changes it. */
@Route(value = "history", layout = PortalLayout.class)
@PageTitle("Twinning history")
@PermitAll
public class HistoryView extends VerticalLayout implements HasUrlParameter<String>, PortalLayout.TimeZoneAware {
    private final Twinnings twinnings;
    private final org.omatwin.portal.core.Formats formats;
    private final H2 title = new H2("History");
    private final StatusMessage message = new StatusMessage();
    private final OrderedList entries = new OrderedList();
    private String twinningId;

    public HistoryView(CurrentSubscriber subscriber) {
        this.twinnings = subscriber.twinnings();
        this.formats = subscriber.formats();
        setMaxWidth("60rem");
        entries.setId("history");
        entries.getStyle().set("padding-left", "0").set("margin", "0");
        Button refresh = new Button("Refresh", e -> show(twinningId));
        refresh.setId("refresh");
        HorizontalLayout actions = new HorizontalLayout(PortalLayout.homeLink("Back to my devices"), refresh);
        actions.setAlignItems(Alignment.BASELINE);
        add(title, actions, message, entries);
        LiveUpdates.follow(this, twinnings, id -> {
            if (id.equals(twinningId)) {
                show(twinningId);
            }
        }, () -> message.info("Live updates stopped. Use Refresh to see the latest changes."));
    }

    @Override
    public void setParameter(BeforeEvent event, String id) {
        show(id);
    }

    @Override
    public void timeZoneKnown() {
        if (twinningId != null) {
            show(twinningId);
        }
    }

    /** Shows the history of the twinning (the subscriber's own, or nothing). */
    public void show(String id) {
        this.twinningId = id;
        entries.removeAll();
        List<Twinnings.Change> changes;
        try {
            changes = twinnings.history(id);
        } catch (CoreError e) {
            message.error(e.getMessage());
            return;
        }
        message.setText("");
        String current = changes.stream().map(Twinnings.Change::name).filter(n -> n != null && !n.isEmpty())
                .findFirst().orElse("this device");
        title.setText("History of " + current);
        java.time.ZoneId zone = PortalLayout.zone();
        if (!changes.isEmpty() && "Deactivated".equals(changes.get(0).eventType())) {
            message.info(current + " was removed on " + Formats.when(changes.get(0).at(), zone) + ".");
        }
        String day = null;
        for (Twinnings.Change c : changes) {
            String thisDay = Formats.day(c.at(), zone);
            if (!thisDay.equals(day)) {
                day = thisDay;
                com.vaadin.flow.component.html.H3 heading = new com.vaadin.flow.component.html.H3(thisDay);
                heading.addClassName("history-day");
                heading.getStyle().set("font-size", "var(--lumo-font-size-m)").set("margin", "var(--lumo-space-s) 0 0");
                ListItem dayItem = new ListItem(heading);
                dayItem.getElement().setAttribute("role", "presentation");
                dayItem.getStyle().set("list-style", "none");
                entries.add(dayItem);
            }
            ListItem item = new ListItem(Formats.time(c.at(), zone) + " · " + describe(c, formats));
            item.addClassName("history-entry");
            item.getStyle().set("list-style", "none");
            entries.add(item);
        }
    }

    /** One change in words: what, by which side. */
    public static String describe(Twinnings.Change c, org.omatwin.portal.core.Formats formats) {
        String who = ("Primary".equals(c.actorRole()) ? "the phone " : "the device ") + formats.number(c.actorAddress());
        return switch (c.eventType()) {
            case "Activated" -> "Twinned as " + c.name() + " by " + who;
            case "StatusChanged" -> "Turned " + c.status().toLowerCase(java.util.Locale.ROOT) + " by " + who;
            case "Renamed" -> "Renamed to " + c.name() + " by " + who;
            case "Deactivated" -> "Removed by " + who;
            default -> c.eventType() + " by " + who;
        };
    }

    /** The changes as read, newest first (day headings left out). */
    public List<String> entries() {
        return entries.getChildren().filter(li -> li.hasClassName("history-entry"))
                .map(li -> li.getElement().getText()).toList();
    }

    public String message() {
        return message.getText();
    }
}
