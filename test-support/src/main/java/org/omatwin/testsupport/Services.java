package org.omatwin.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's packaged services, each with its ready marker. The jars come from system properties
 * that the modules' poms set from the resolved Maven dependency ({@code twinning.core.jar},
 * {@code twinning.auth.jar}, {@code twinning.portal.jar}); without them (a run from an IDE) from
 * {@code <module>/target} next to the working directory.
 */
public final class Services {
    private Services() {}

    /** The core ({@code twinning-core.jar}); its ready line reads {@code ... ready rest=<url> grpc=<target>}. */
    public static JavaService.Builder core() {
        return JavaService.jar(jar("twinning.core.jar", "core-service", "twinning-core.jar")).readyWhen("ready");
    }

    /** The embedded authorization server ({@code twinning-auth.jar}). */
    public static JavaService.Builder authServer() {
        return JavaService.jar(jar("twinning.auth.jar", "auth-server", "twinning-auth.jar"))
                .readyWhen("Started AuthServerApplication");
    }

    /** The self-care portal ({@code twinning-portal.jar}). */
    public static JavaService.Builder portal() {
        return JavaService.jar(jar("twinning.portal.jar", "web-portal", "twinning-portal.jar"))
                .readyWhen("Started PortalApplication");
    }

    /** The jar named by {@code property}, else {@code module/target/name} from a module's directory or the root. */
    static Path jar(String property, String module, String name) {
        String set = System.getProperty(property);
        // "${...}": the pom's expression was not resolved (a plugin goal run on its own, outside the lifecycle)
        if (set != null && !set.isBlank() && !set.contains("${")) {
            return Path.of(set).toAbsolutePath().normalize();
        }
        for (Path base : List.of(Path.of(".."), Path.of("."))) {
            Path p = base.resolve(module).resolve("target").resolve(name);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return Path.of("..", module, "target", name).toAbsolutePath().normalize();
    }
}
