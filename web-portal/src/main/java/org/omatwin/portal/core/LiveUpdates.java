package org.omatwin.portal.core;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Server push of the core's change stream to a screen while it is attached: {@code onChange} runs in
 * the UI with the changed twinning's id; {@code onLost} when the stream ends (the page offers Refresh).
 */
public final class LiveUpdates {
    private LiveUpdates() {}

    public static void follow(Component screen, Twinnings twinnings, Consumer<String> onChange, Runnable onLost) {
        AutoCloseable[] watching = new AutoCloseable[1];
        screen.addAttachListener(attach -> {
            UI ui = attach.getUI();
            try {
                watching[0] = twinnings.watch(id -> ui.access(() -> onChange.accept(id)), () -> ui.access(onLost::run));
            } catch (CoreError e) {
                onLost.run();
            }
        });
        screen.addDetachListener(detach -> {
            if (watching[0] != null) {
                try {
                    watching[0].close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(LiveUpdates.class).debug("closing the change stream", e);
                }
                watching[0] = null;
            }
        });
    }
}
