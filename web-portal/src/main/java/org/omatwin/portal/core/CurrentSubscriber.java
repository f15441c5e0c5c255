package org.omatwin.portal.core;

/** The signed-in subscriber, as the views see them: what they may do with their twinnings. */
@FunctionalInterface
public interface CurrentSubscriber {
    Twinnings twinnings();
}
