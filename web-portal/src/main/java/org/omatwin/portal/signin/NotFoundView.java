package org.omatwin.portal.signin;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import jakarta.servlet.http.HttpServletResponse;

/** The portal's page for an address that is not one of its pages (instead of the framework's error). */
@PageTitle("Page not found")
@com.vaadin.flow.server.auth.AnonymousAllowed
public class NotFoundView extends VerticalLayout implements HasErrorParameter<NotFoundException> {
    public NotFoundView() {
        setMaxWidth("30rem");
        getStyle().set("margin", "0 auto");
        H1 title = new H1("Page not found");
        title.setId("not-found");
        Anchor home = new Anchor("", "Go to my devices");
        home.getElement().setAttribute("router-link", true);
        add(title, new Paragraph("There is no page at this address. It may have moved, or the link may be "
                + "mistyped."), home);
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        return HttpServletResponse.SC_NOT_FOUND;
    }
}
