package org.omatwin.portal.core;

/** The signed-in subscriber, as the views see them: what they may do with their twinnings. */
@FunctionalInterface
public interface CurrentSubscriber {
    Twinnings twinnings();

    /** How numbers, networks and times read for this subscriber (the operator's settings). */
    default Formats formats() {
        return Formats.DEFAULTS;
    }
}
