package org.omatwin.portal;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.lumo.Lumo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The self-care portal: subscribers manage their twinned devices in the browser. It talks to the core
 * over gRPC only (oma.twinning.portal.v1.SubscriberService), with the signed-in subscriber's token.
 * Server push carries the core's change stream to open pages.
 */
@SpringBootApplication
@Push
@StyleSheet(Lumo.STYLESHEET)
public class PortalApplication implements AppShellConfigurator {
    public static void main(String[] args) {
        SpringApplication.run(PortalApplication.class, args);
    }
}
