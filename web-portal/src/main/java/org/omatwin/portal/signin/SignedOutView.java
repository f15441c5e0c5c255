package org.omatwin.portal.signin;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import org.omatwin.portal.core.CurrentSubscriber;

/** Where sign-out ends (after the operator's sign-in service has ended its session too). */
@Route("signed-out")
@PageTitle("Signed out")
@AnonymousAllowed
public class SignedOutView extends VerticalLayout {
    public SignedOutView(CurrentSubscriber subscriber) {
        setMaxWidth("30rem");
        getStyle().set("margin", "0 auto");
        H1 title = new H1("You are signed out");
        title.setId("signed-out");
        Anchor again = new Anchor(SignInView.ROUTE, "Sign in again");
        again.setId("sign-in-again");
        add(title, new Paragraph("You have signed out of My devices at " + subscriber.formats().operatorName()
                + ". On a shared computer, close the browser too."), again);
    }
}
