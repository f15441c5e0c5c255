package org.omatwin.core.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.omatwin.core.CoreServer;
import org.omatwin.core.CoreConfig;
import org.omatwin.core.support.Rest.Response;

/**
 * One MNO's twinning core for peering tests: its own embedded PostgreSQL (kept across restarts in its
 * data dir), its own REST and peering ports (fixed once chosen, so that partners keep reaching it).
 */
public final class Operator implements AutoCloseable {
    private final String name;
    private final Map<String, String> env = new HashMap<>();
    private CoreServer server;

    public Operator(String name, String mcc, String mnc) {
        this.name = name;
        try {
            Path dir = Files.createTempDirectory("twinning-" + name);
            env.putAll(Map.of(
                    "TWIN_HTTP_PORT", Integer.toString(freePort()),
                    "TWIN_GRPC_PORT", "0",
                    "TWIN_PEER_PORT", Integer.toString(freePort()),
                    "TWIN_DATA_DIR", dir.toString(),
                    "TWIN_MCC", mcc,
                    "TWIN_MNC", mnc,
                    "TWIN_AUTH_MODE", "dev",
                    "TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1",
                    "TWIN_NOTIFY_BACKOFF_MS", "100",
                    "TWIN_NOTIFY_BACKOFF_MAX_MS", "500"));
            env.put("TWIN_DM_HTTPS_PORT", "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String mccMnc() {
        return env.get("TWIN_MCC") + "-" + env.get("TWIN_MNC");
    }

    public String peerEndpoint() {
        return "127.0.0.1:" + env.get("TWIN_PEER_PORT");
    }

    public Operator set(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Our certificate and key for peering. */
    public Operator identity(Path certificate, Path key) {
        return set("TWIN_PEER_CERT", certificate.toString()).set("TWIN_PEER_KEY", key.toString());
    }

    /** Adds a partner to the directory. */
    public Operator partner(String mccMnc, String endpoint, Path ca, String certName, String prefixes) {
        String peers = env.getOrDefault("TWIN_PEERS", "");
        set("TWIN_PEERS", peers.isEmpty() ? mccMnc : peers + "," + mccMnc);
        String p = "TWIN_PEER_" + mccMnc.replace('-', '_') + "_";
        set(p + "ENDPOINT", endpoint).set(p + "CA", ca.toString()).set(p + "NAME", certName);
        if (prefixes != null) {
            set(p + "PREFIXES", prefixes);
        }
        return this;
    }

    public synchronized Operator start() {
        try {
            server = CoreServer.start(CoreConfig.from(env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public String url(String user, String rest) {
        return "http://127.0.0.1:" + env.get("TWIN_HTTP_PORT") + "/twinning/v1/" + Rest.enc(user) + rest;
    }

    public Response get(String user, String rest) {
        return Rest.get(url(user, rest));
    }

    public Response post(String user, String rest, String body) {
        return Rest.post(url(user, rest), body);
    }

    public Response put(String user, String rest, String body) {
        return Rest.put(url(user, rest), body);
    }

    public Response delete(String user, String rest) {
        return Rest.delete(url(user, rest));
    }

    /** Subscribes the device's twinning events to a listener. */
    public void subscribe(String device, Listener listener) {
        Response r = post(device, "/subscriptions", "{\"twinningSubscription\":{\"callbackReference\":{\"notifyURL\":\""
                + listener.url() + "\"}}}");
        if (r.status() != 201) {
            throw new AssertionError(name + ": subscription failed: " + r.text());
        }
    }

    public CoreServer server() {
        return server;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return name + " (" + mccMnc() + ")";
    }
}
