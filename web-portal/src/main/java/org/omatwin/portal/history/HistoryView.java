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
public class HistoryView extends VerticalLayout implements HasUrlParameter<String> {
    private final Twinnings twinnings;
    private final H2 title = new H2("History");
    private final StatusMessage message = new StatusMessage();
    private final OrderedList entries = new OrderedList();
    private String twinningId;

    public HistoryView(CurrentSubscriber subscriber) {
        this.twinnings = subscriber.twinnings();
        setMaxWidth("60rem");
        entries.setId("history");
        entries.getElement().setAttribute("reversed", true);
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
        for (Twinnings.Change c : changes) {
            ListItem item = new ListItem(Formats.when(c.at()) + ": " + describe(c));
            item.addClassName("history-entry");
            entries.add(item);
        }
    }

    /** One change in words: what, by which side. */
    public static String describe(Twinnings.Change c) {
        String who = ("Primary".equals(c.actorRole()) ? "the phone " : "the device ") + c.actorAddress();
        return switch (c.eventType()) {
            case "Activated" -> "Twinned as " + c.name() + " by " + who;
            case "StatusChanged" -> "Turned " + c.status().toLowerCase(java.util.Locale.ROOT) + " by " + who;
            case "Renamed" -> "Renamed to " + c.name() + " by " + who;
            case "Deactivated" -> "Removed by " + who;
            default -> c.eventType() + " by " + who;
        };
    }

    public List<String> entries() {
        return entries.getChildren().map(li -> li.getElement().getText()).toList();
    }

    public String message() {
        return message.getText();
    }
}
