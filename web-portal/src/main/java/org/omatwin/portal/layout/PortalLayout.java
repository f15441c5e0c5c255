package org.omatwin.portal.layout;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.omatwin.portal.core.CurrentSubscriber;

/**
 * The frame of every screen: the operator's portal name, who is signed in, and Sign out, on one row even
 * on a phone. It learns the browser's time zone once per session, and tells the view to redraw its times.
 */
@PermitAll
public class PortalLayout extends AppLayout {
    private static final String ZONE = "portal.time-zone";

    public PortalLayout(AuthenticationContext auth, CurrentSubscriber subscriber) {
        H1 title = new H1(subscriber.formats().operatorName() + " · My devices");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");
        Span who = new Span("Signed in as " + auth.getPrincipalName().orElse("?"));
        who.setId("signed-in-as");
        who.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Div titles = new Div(title, who);
        titles.getStyle().set("display", "flex").set("flex-direction", "column").set("min-width", "0");
        Button signOut = new Button("Sign out", e -> auth.logout());
        signOut.setId("sign-out");
        signOut.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        signOut.getStyle().set("flex-shrink", "0");
        HorizontalLayout bar = new HorizontalLayout(titles, signOut);
        bar.setWidthFull();
        bar.setPadding(true);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.setFlexGrow(1, titles);
        addToNavbar(bar);
        setDrawerOpened(false); // one column of content: no navigation drawer
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        UI ui = event.getUI();
        if (ui.getSession().getAttribute(ZONE) == null) {
            ui.getPage().retrieveExtendedClientDetails(details -> {
                ZoneId zone;
                try {
                    zone = ZoneId.of(details.getTimeZoneId());
                } catch (RuntimeException e) {
                    zone = ZoneOffset.UTC;
                }
                ui.getSession().setAttribute(ZONE, zone);
                if (getContent() instanceof TimeZoneAware view) {
                    view.timeZoneKnown();
                }
            });
        }
    }

    /** The subscriber's time zone (the browser's), UTC until it is known. */
    public static ZoneId zone() {
        VaadinSession session = VaadinSession.getCurrent();
        Object zone = session == null ? null : session.getAttribute(ZONE);
        return zone instanceof ZoneId z ? z : ZoneOffset.UTC;
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

    /** A view that shows times: redrawn once the browser's time zone is known. */
    public interface TimeZoneAware {
        void timeZoneKnown();
    }
}
