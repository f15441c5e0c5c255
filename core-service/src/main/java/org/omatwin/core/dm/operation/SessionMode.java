package org.omatwin.core.dm.operation;

/**
 * What a session promises the device as a whole: operations that differ in either go to separate
 * sessions (2.1), since the device shows (or hides) a whole session and customer care (CC1) marks it.
 */
public record SessionMode(UiMode uiMode, boolean customerCare) {
    public static final SessionMode BACKGROUND = new SessionMode(UiMode.BACKGROUND, false);

    public SessionMode {
        uiMode = uiMode == null ? UiMode.BACKGROUND : uiMode;
    }
}
