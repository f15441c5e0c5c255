package org.omatwin.portal.core;

/** The signed-in subscriber, as the views see them: what they may do with their twinnings. */
@FunctionalInterface
public interface CurrentSubscriber {
    Twinnings twinnings();

    /** Device care: their devices' software, updates and settings (none where the portal has no core for it). */
    default DeviceCare deviceCare() {
        throw new UnsupportedOperationException("device care is not available here");
    }

    /** How numbers, networks and times read for this subscriber (the operator's settings). */
    default Formats formats() {
        return Formats.DEFAULTS;
    }
}
