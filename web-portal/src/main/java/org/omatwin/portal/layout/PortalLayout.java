package org.omatwin.portal.layout;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/** The frame of every screen: the portal's name, who is signed in, and Sign out. */
@PermitAll
public class PortalLayout extends AppLayout {
    public PortalLayout(AuthenticationContext auth) {
        H1 title = new H1("My twinned devices");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");
        Span who = new Span("Signed in as " + auth.getPrincipalName().orElse("?"));
        who.setId("signed-in-as");
        Button signOut = new Button("Sign out", e -> auth.logout());
        signOut.setId("sign-out");
        HorizontalLayout bar = new HorizontalLayout(title, who, signOut);
        bar.setWidthFull();
        bar.setPadding(true);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.setFlexGrow(1, title);
        bar.getStyle().set("flex-wrap", "wrap");
        addToNavbar(bar);
        setDrawerOpened(false); // one column of content: no navigation drawer
    }

    /**
     * A link to the portal's home, the subscriber's lines (route ""), navigated by the client-side
     * router like a RouterLink. Views link home through this rather than by the home view's class, so
     * no view package depends on another.
     */
    public static Anchor homeLink(String text) {
        Anchor home = new Anchor("", text);
        home.getElement().setAttribute("router-link", true);
        return home;
    }
}
