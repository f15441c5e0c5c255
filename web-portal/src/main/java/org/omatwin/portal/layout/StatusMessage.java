package org.omatwin.portal.layout;

import com.vaadin.flow.component.html.Paragraph;

/** The one message line of a screen: announced to screen readers, an error as an alert. */
public class StatusMessage extends Paragraph {
    public StatusMessage() {
        setId("message");
        getElement().setAttribute("role", "status");
    }

    public void info(String text) {
        show(text, false);
    }

    public void error(String text) {
        show(text, true);
    }

    public void show(String text, boolean error) {
        setText(text);
        getElement().setAttribute("role", error ? "alert" : "status");
        getStyle().set("color", error ? "var(--lumo-error-text-color)" : "var(--lumo-success-text-color)");
    }
}
