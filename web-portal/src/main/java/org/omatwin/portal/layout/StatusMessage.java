package org.omatwin.portal.layout;

import com.vaadin.flow.component.html.Paragraph;

/**
 * The one message line of a screen, announced to screen readers. An error stays where it is, next to the
 * form, as an alert; a confirmation is shown as a notification at the bottom of the screen, where the
 * eye is after an action anywhere on a long page (the line itself is then kept for screen readers only).
 */
public class StatusMessage extends Paragraph {
    public StatusMessage() {
        setId("message");
        getElement().setAttribute("role", "status");
        // empty, it takes no room; the layout's spacing sets it apart when it speaks
        getStyle().set("margin", "0");
    }

    public void info(String text) {
        show(text, false);
    }

    public void error(String text) {
        show(text, true);
    }

    /** A confirmation with actions in its notification (e.g. a link to what was just done). */
    public void done(String text, com.vaadin.flow.component.Component... actions) {
        show(text, false, actions);
    }

    public void show(String text, boolean error) {
        show(text, error, new com.vaadin.flow.component.Component[0]);
    }

    private void show(String text, boolean error, com.vaadin.flow.component.Component... actions) {
        setText(text);
        getElement().setAttribute("role", error ? "alert" : "status");
        getStyle().set("color", error ? "var(--lumo-error-text-color)" : "var(--lumo-success-text-color)");
        if (error || text.isEmpty()) {
            getStyle().remove("position").remove("clip-path").remove("height").remove("width").remove("overflow");
        } else {
            // visually hidden, still read: the notification below is what a sighted user sees
            getStyle().set("position", "absolute").set("clip-path", "inset(50%)").set("height", "1px")
                    .set("width", "1px").set("overflow", "hidden");
            Notices.done(text, actions);
        }
    }
}
