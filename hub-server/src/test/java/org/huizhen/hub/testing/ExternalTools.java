package org.huizhen.hub.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Looks up external programs (DCMTK) that interoperability tests drive. A missing tool fails the
 * test when {@code CI=true} (the build machines must have it) and skips it with a clear message
 * otherwise.
 *
 * <p>Stateless; thread-safe.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** Returns normally when {@code name} is an executable on the {@code PATH}. */
    public static void require(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        String message = name + " is not on the PATH (install DCMTK, see scripts/debian-deps.sh)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}
