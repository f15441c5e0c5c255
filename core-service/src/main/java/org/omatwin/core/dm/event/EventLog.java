package org.omatwin.core.dm.event;

/** Where use cases record events; called inside the transaction of the change the event reports. */
public interface EventLog {
    void recordEvent(DmEvent event);
}
