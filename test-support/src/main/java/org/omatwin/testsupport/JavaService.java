package org.omatwin.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A packaged jar run as its own JVM on loopback, as an operator runs it: started with its own
 * environment, ready once a line of its output contains the ready marker, its output collected,
 * stopped with SIGTERM (then SIGKILL when it does not stop).
 */
public final class JavaService implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Thread reader;
    private final StringBuilder output = new StringBuilder();
    private final String readyLine;

    private JavaService(Builder b) throws Exception {
        if (!Files.isRegularFile(b.jar)) {
            throw new IllegalStateException(b.jar + " is missing: build it first (./mvnw -B install -DskipTests)");
        }
        name = b.jar.getFileName().toString();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + b.heap, "-jar", b.jar.toString());
        // the child sees the caller's environment minus the project's own settings: only those given count
        pb.environment().keySet().removeIf(k -> k.startsWith(b.dropInheritedPrefix));
        pb.environment().putAll(b.env);
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
                    if (line.contains(b.readyMarker)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException(name + " exited before ready:\n" + output()));
        }, "output of " + name);
        reader.setDaemon(true);
        reader.start();
        try {
            readyLine = ready.get(b.readyWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** The service in {@code jar}; by default ready on a line containing "ready" within 90 s, 256 MB heap. */
    public static Builder jar(Path jar) {
        return new Builder(jar);
    }

    /** The first line of output that contained the ready marker. */
    public String readyLine() {
        return readyLine;
    }

    /** Everything the process wrote so far (stdout and stderr). */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** SIGTERM, as an init system sends it; waits for the exit and the last output; returns the exit code. */
    public int terminate() throws Exception {
        // through the ProcessHandle: Process.destroy() would also close our end of its output, losing the last lines
        process.toHandle().destroy();
        return awaitExit("SIGTERM");
    }

    /** SIGKILL: the process gets no chance to clean up (a crash); returns the exit code. */
    public int kill() throws Exception {
        process.toHandle().destroyForcibly();
        return awaitExit("SIGKILL");
    }

    private int awaitExit(String signal) throws Exception {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not stop after " + signal);
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** SIGTERM first (so that, e.g., the core's embedded PostgreSQL stops with it), SIGKILL after 30 s. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** How to start one service. */
    public static final class Builder {
        private final Path jar;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String readyMarker = "ready";
        private Duration readyWithin = Duration.ofSeconds(90);
        private String heap = "256m";
        private String dropInheritedPrefix = "TWIN_";

        private Builder(Path jar) {
            this.jar = jar;
        }

        /** The line of output that says the service accepts calls contains {@code marker}. */
        public Builder readyWhen(String marker) {
            this.readyMarker = marker;
            return this;
        }

        /** How long to wait for the ready line before giving up (and stopping the process). */
        public Builder readyWithin(Duration timeout) {
            this.readyWithin = timeout;
            return this;
        }

        /** The maximum heap, as for {@code -Xmx}. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** Inherited environment variables starting with {@code prefix} are not passed on ("TWIN_" by default). */
        public Builder dropInherited(String prefix) {
            this.dropInheritedPrefix = prefix;
            return this;
        }

        /** Adds (or replaces) environment variables of the child. */
        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Starts the process and waits for its ready line. */
        public JavaService start() throws Exception {
            return new JavaService(this);
        }
    }
}
