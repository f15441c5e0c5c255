package org.omatwin.core.dm.pkg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A test package originator and its signatures, made by the script the README gives ({@code bin/package-sign}). */
public final class TestOriginator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    private TestOriginator(Path dir) {
        this.dir = dir;
    }

    public static TestOriginator create() {
        return create(Map.of());
    }

    /** A signing certificate that expired in 2020, under a fresh CA. */
    public static TestOriginator expired() {
        return create(Map.of("PACKAGE_SIGN_EXPIRED", "1"));
    }

    private static TestOriginator create(Map<String, String> env) {
        try {
            Path dir = Files.createTempDirectory("originator");
            run(env, "originator", dir.toString());
            return new TestOriginator(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA to approve (TWIN_DM_PACKAGE_ORIGINATORS). */
    public Path ca() {
        return dir.resolve("originator-ca.pem");
    }

    public Originators approved() {
        try {
            return Originators.fromPem(ca());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {"package": {...}} body for {@code content} as the script prints it. */
    public JsonNode sign(Path content, String name, String version, String kind, String man, String mod,
            String... fromVersions) {
        List<String> args = new ArrayList<>(List.of("sign", dir.toString(), content.toString(), "--name", name,
                "--version", version, "--kind", kind));
        if (man != null) {
            args.addAll(List.of("--man", man));
        }
        if (mod != null) {
            args.addAll(List.of("--mod", mod));
        }
        if (fromVersions.length > 0) {
            args.addAll(List.of("--from-versions", String.join(",", fromVersions)));
        }
        try {
            return JSON.readTree(run(Map.of(), args.toArray(String[]::new))).get("package");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registration a signed body stands for. */
    public static PackageMetadata metadata(JsonNode p) {
        JsonNode t = p.path("targets");
        List<String> from = new ArrayList<>();
        t.path("fromVersions").forEach(v -> from.add(v.asText()));
        return new PackageMetadata(p.get("name").asText(), p.get("version").asText(),
                PackageKind.fromWire(p.get("kind").asText()), new PackageTargets(t.path("man").asText(null),
                        t.path("mod").asText(null), from), p.get("size").asLong(), p.get("sha256").asText());
    }

    private static String run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", locate().toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bin/package-sign failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path locate() {
        for (Path p : List.of(Path.of("..", "bin", "package-sign"), Path.of("bin", "package-sign"))) {
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("bin/package-sign not found from " + Path.of("").toAbsolutePath());
    }
}
