package org.omatwin.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/run and bin/run-two-mnos with a stand-in {@code java} (a script that records its environment and
 * never serves): what they print when a process does not come up, and where they write.
 */
class BinScriptsTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    /** A JAVA_HOME whose bin/java appends TWIN_DATA_DIR to {@code log} and then does {@code then}. */
    private Path fakeJavaHome(Path log, String then) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\necho \"$TWIN_DATA_DIR\" >> '" + log + "'\n" + then + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve("jdk");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Run run(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", REPO.resolve(script).toString())
                .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("TWIN_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not end");
        }
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8));
    }

    @Test
    void runSaysReadyForTheAuthorizationServerOnlyWhenItAnswersElseAnErrorAndExit() throws Exception {
        Path log = tmp.resolve("java.log");
        Run r = run("bin/run", Map.of("JAVA_HOME", fakeJavaHome(log, "sleep 30").toString(),
                "TWIN_DATA_DIR", tmp.resolve("data").toString(),
                "TWIN_AUTH_PORT", Integer.toString(freePort()), "TWIN_AUTH_WAIT_SECONDS", "2"));

        assertThat(r.out()).doesNotContain("ready");
        assertThat(r.err()).contains("twinning-auth did not come up");
        assertThat(r.exit()).isNotZero();
        // only the authorization server was started: neither the core nor the portal
        assertThat(Files.readAllLines(log)).hasSize(1);
    }

    @Test
    void runTwoMnosWritesItsCertificatesAndDataUnderTwinDataDir() throws Exception {
        Path log = tmp.resolve("java.log");
        Path data = tmp.resolve("data");
        Run r = run("bin/run-two-mnos", Map.of("JAVA_HOME", fakeJavaHome(log, "exit 1").toString(),
                "TWIN_DATA_DIR", data.toString(), "TWIN_WAIT_SECONDS", "2"));

        assertThat(r.out()).doesNotContain("ready");
        assertThat(r.exit()).isNotZero();
        Path demo = data.resolve("two-mnos");
        assertThat(demo.resolve("certs/peer.mno-a.test.pem")).exists();
        assertThat(demo.resolve("certs/peer.mno-b.test-ca.pem")).exists();
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder(demo.resolve("mno-a").toString(),
                demo.resolve("mno-b").toString());
        assertThat(REPO.resolve("twinning-data-two-mnos")).doesNotExist();
    }
}
