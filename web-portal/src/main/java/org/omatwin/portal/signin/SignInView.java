package org.omatwin.portal.signin;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import org.omatwin.portal.core.CurrentSubscriber;

/**
 * The portal's own sign-in page: the operator's name, what the portal is for, one button that goes to the
 * operator's sign-in (OpenID Connect). Shown to anyone not signed in.
 */
@Route(SignInView.ROUTE)
@PageTitle("Sign in")
@AnonymousAllowed
public class SignInView extends VerticalLayout {
    public static final String ROUTE = "signin";

    public SignInView(CurrentSubscriber subscriber) {
        setMaxWidth("30rem");
        getStyle().set("margin", "0 auto");
        String operator = subscriber.formats().operatorName();
        H1 title = new H1(operator);
        title.setId("operator-name");
        Paragraph what = new Paragraph("Manage the watches, tablets and cars that share your phone number: "
                + "add one, turn it off, rename it or remove it.");
        Anchor signIn = new Anchor("oauth2/authorization/twinning", "Sign in with your " + operator + " account");
        signIn.setId("sign-in");
        // a full page load: the OpenID Connect redirect is not a view of the portal
        signIn.getElement().setAttribute("router-ignore", true);
        signIn.getElement().setAttribute("theme", "button");
        signIn.getStyle().set("display", "inline-block").set("padding", "var(--lumo-space-s) var(--lumo-space-l)")
                .set("border-radius", "var(--lumo-border-radius-m)").set("background", "var(--lumo-primary-color)")
                .set("color", "var(--lumo-primary-contrast-color)").set("font-weight", "600")
                .set("text-decoration", "none");
        add(title, what, signIn);
    }
}
