package org.omatwin.portal.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A packaged jar of the project run as its own process on loopback, as an operator runs it. */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    /** The first line of output that contained the ready marker. */
    public final String readyLine;

    public JavaProcess(Path jar, String readyMarker, Map<String, String> env) throws Exception {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -B package -DskipTests)");
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", jar.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("TWIN_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        process = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
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
            ready.completeExceptionally(new IllegalStateException(jar.getFileName() + " exited before ready:\n"
                    + output()));
        }, "output of " + jar.getFileName());
        reader.setDaemon(true);
        reader.start();
        readyLine = ready.get(120, TimeUnit.SECONDS);
    }

    /** The project's jar at {@code module/target/name}, from web-portal's directory or the root. */
    public static Path jar(String module, String name) {
        for (Path base : List.of(Path.of(".."), Path.of("."))) {
            Path p = base.resolve(module).resolve("target").resolve(name);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return Path.of("..", module, "target", name).toAbsolutePath().normalize();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            // SIGTERM first, so that the core's embedded PostgreSQL stops with it
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
