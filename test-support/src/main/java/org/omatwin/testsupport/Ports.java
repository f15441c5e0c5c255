package org.omatwin.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Loopback ports for services that must know theirs before they start (e.g. to restart on the same one). */
public final class Ports {
    private Ports() {}

    /** A port that was free a moment ago. */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
