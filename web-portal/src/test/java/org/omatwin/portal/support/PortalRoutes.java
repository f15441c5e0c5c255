package org.omatwin.portal.support;

import com.vaadin.flow.router.RouteConfiguration;
import java.util.List;
import org.omatwin.portal.adddevice.AddDeviceView;
import org.omatwin.portal.care.DeviceCareView;
import org.omatwin.portal.history.HistoryView;
import org.omatwin.portal.lines.LinesView;

/**
 * Registers the portal's routes for links between screens. The tests create the views themselves, with
 * the service Spring injects in the application, so routes are not scanned (and never instantiated).
 */
public final class PortalRoutes {
    private PortalRoutes() {}

    public static void register() {
        RouteConfiguration routes = RouteConfiguration.forSessionScope();
        for (var view : List.of(LinesView.class, AddDeviceView.class, HistoryView.class, DeviceCareView.class)) {
            if (!routes.isRouteRegistered(view)) {
                routes.setAnnotatedRoute(view);
            }
        }
    }
}
