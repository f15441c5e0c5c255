package org.omatwin.core.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The packaged jar run as a separate process on loopback, as an operator runs it. */
public final class CoreProcess implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private final StringBuilder output = new StringBuilder();
    public final int httpPort;
    public final int grpcPort;

    private CoreProcess(String jar, String readyMarker, Path dataDir, int httpPort, int grpcPort,
            Map<String, String> env) throws Exception {
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar);
        pb.environment().remove("TWIN_DATABASE_URL");
        pb.environment().put("TWIN_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("TWIN_GRPC_PORT", Integer.toString(grpcPort));
        pb.environment().put("TWIN_DATA_DIR", dataDir.toString());
        pb.environment().put("TWIN_AUTH_MODE", "dev"); // unless the test asks for tokens
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        process = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains(readyMarker)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("exited before ready:\n" + output()));
        });
        reader.setDaemon(true);
        reader.start();
        readyLine = ready.get(90, TimeUnit.SECONDS);
    }

    public final String readyLine;

    public static CoreProcess start(Path dataDir, int httpPort, int grpcPort, Map<String, String> env)
            throws Exception {
        return new CoreProcess(System.getProperty("twinning.jar", "target/twinning-core.jar"), "ready", dataDir,
                httpPort, grpcPort, env);
    }

    /** The embedded authorization server's jar on {@code port} (grpcPort unused). */
    public static CoreProcess startAuthServer(Path dataDir, int port, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("TWIN_AUTH_PORT", Integer.toString(port));
        return new CoreProcess(System.getProperty("twinning.auth.jar", "../auth-server/target/twinning-auth.jar"),
                "Started AuthServerApplication", dataDir, port, -1, all);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort + "/twinning/v1/";
    }

    /** SIGTERM, as an init system sends it; waits for the exit and the last output. */
    public int terminate() throws Exception {
        return signal("-TERM");
    }

    /** SIGKILL: the process gets no chance to clean up (a crash). */
    public int kill() throws Exception {
        return signal("-KILL");
    }

    private int signal(String signal) throws Exception {
        new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the core did not stop after " + signal);
        }
        reader.join(10_000);
        return process.exitValue();
    }

    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            // graceful first, so the embedded PostgreSQL stops with the core
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
