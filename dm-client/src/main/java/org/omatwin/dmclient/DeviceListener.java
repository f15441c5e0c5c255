package org.omatwin.dmclient;

/**
 * Told what a device does, for display (the CLI prints each line), statistics (fleet mode) or tests. Called on
 * HttpClient threads; implementations must be quick and thread-safe. Nothing passed here carries a token.
 */
public interface DeviceListener {

    /** A session's first package arrived. */
    default void sessionStarted(Wire.SessionPackage first) {
    }

    /** A command ran; {@code status} is what the report says about it. */
    default void commandExecuted(Wire.Command command, Wire.Status status) {
    }

    /** {@code SHOW}: the browser component should open {@code url} (e.g. a page with a one-time code). */
    default void show(String url) {
    }

    /** {@code SHOW}: the browser component opened {@code url}; {@code text} is what the page says (a one-time code). */
    default void shown(String url, String text) {
    }

    /** The server answered the last report with 204. */
    default void sessionEnded(SessionOutcome outcome) {
    }

    /** An alert was accepted by the server. */
    default void alertSent(Wire.Alert alert) {
    }

    /** Something failed; the device carries on (and retries where that makes sense). */
    default void error(String what, Throwable cause) {
    }

    /** How a session went: its first package's id, how many packages and commands, whether every status was 2xx. */
    record SessionOutcome(String sessionId, int packages, int commands, boolean ok) {
    }

    DeviceListener NONE = new DeviceListener() {
    };
}
