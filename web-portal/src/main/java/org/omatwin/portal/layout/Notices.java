package org.omatwin.portal.layout;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/**
 * Confirmations of an action, shown where the eye is on any screen size (a notification at the bottom,
 * announced by screen readers) rather than at the top of a long page scrolled out of view.
 */
public final class Notices {
    private Notices() {}

    public static Notification done(String text, Component... actions) {
        Notification n = new Notification();
        // the status line already speaks it: the notification is for the eye
        n.getElement().setAttribute("aria-hidden", "true");
        n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
        n.setPosition(Notification.Position.BOTTOM_CENTER);
        n.setDuration(actions.length == 0 ? 4000 : 10000);
        com.vaadin.flow.component.html.Span message = new com.vaadin.flow.component.html.Span(text);
        message.addClassName("notice");
        com.vaadin.flow.component.orderedlayout.HorizontalLayout row =
                new com.vaadin.flow.component.orderedlayout.HorizontalLayout(message);
        for (Component action : actions) {
            // readable on the notification's colour: its own text colour, underlined
            action.getElement().getStyle().set("color", "inherit").set("text-decoration", "underline")
                    .set("font-weight", "600");
            row.add(action);
        }
        row.setAlignItems(com.vaadin.flow.component.orderedlayout.FlexComponent.Alignment.CENTER);
        n.add(row);
        n.open();
        return n;
    }
}
