package org.omatwin.portal.security;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.server.WrappedSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sessions time out: an open page keeps sending heartbeats, so Vaadin closes a session whose pages have
 * been idle for TWIN_PORTAL_SESSION_TIMEOUT (vaadin.closeIdleSessions); the sign-in, kept in the HTTP
 * session, ends with it, and the next visit goes through sign-in again.
 */
@Component
public class IdleSignOut implements VaadinServiceInitListener {
    private static final Logger LOG = LoggerFactory.getLogger(IdleSignOut.class);

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addSessionDestroyListener(destroyed -> {
            VaadinRequest request = VaadinRequest.getCurrent();
            WrappedSession http = request != null ? request.getWrappedSession(false)
                    : destroyed.getSession().getSession();
            if (http != null) {
                try {
                    http.invalidate();
                    LOG.info("an idle session ended: signed out");
                } catch (IllegalStateException alreadyInvalidated) {
                    // the servlet container ended it first
                }
            }
        });
    }
}
