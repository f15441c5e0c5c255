package org.omatwin.core;

import java.util.concurrent.CountDownLatch;
import org.omatwin.core.CoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the twinning core; prints one line with "ready" once it accepts calls; stops on SIGTERM. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws Exception {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        CoreConfig config;
        try {
            config = CoreConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        CoreServer server = CoreServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            server.close();
            System.out.println("twinning-core stopped");
            stopped.countDown();
        }, "shutdown"));
        System.out.println("twinning-core ready: rest=" + server.restUrl() + " grpc=" + server.grpcTarget()
                + " mno=" + config.ownMno() + (server.peerPort() > 0 ? " peer=" + server.peerPort() : "")
                + " dm=" + server.dmPort() + (server.dmFingerprint() != null ? " dm-tls-sha256=" + server.dmFingerprint() : "")
                + (config.devCallerHeader()
                        ? " (development caller header enabled: do not expose)" : ""));
        System.out.flush();
        stopped.await();
    }
}
