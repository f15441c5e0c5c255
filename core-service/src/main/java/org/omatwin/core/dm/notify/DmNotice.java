package org.omatwin.core.dm.notify;

import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.subscription.DmSubscription;

/**
 * One notification to render (root {@code dmNotification}): the event and the resource it is about.
 *
 * @param subscription the receiving subscription, or null for an operation's own callbackReference
 * @param callbackData echoed as given with the subscription or the operation
 * @param operation set for an event of an operation (operationCompleted, uploadReceived, a
 *     customer-care fault)
 * @param alert set for an event raised by an alert (alert, fault, nodeChanged)
 * @param upload set for uploadReceived
 * @param device set for firmwareChanged and softwareChanged: the profile as now known
 */
public record DmNotice(DmEvent event, DmSubscription subscription, String callbackData, Operation operation,
        ReceivedAlert alert, Upload upload, DeviceProfile device) {

    /** Renders the {@code dmNotification} JSON body. */
    @FunctionalInterface
    public interface Renderer {
        String render(DmNotice notice);
    }
}
