package org.huizhen.hub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;

/**
 * A consortium configuration for the auth tests, written as the YAML file an operator would
 * write: two institutions ({@code lead}, a lead hospital, and {@code th-01}, a township
 * clinic), the data directory under the test's directory, and whatever {@code auth:} keys the
 * test adds.
 */
final class AuthTestConfig {
    private AuthTestConfig() {
    }

    /**
     * @param dir      the test's directory; the config file and {@code data/} go here
     * @param authYaml lines below {@code auth:}, each indented by two spaces, or empty
     * @param demo     {@code dicom.accept-any-ae}
     */
    static HubConfig load(Path dir, String authYaml, boolean demo) {
        String yaml = """
                hub:
                  data-dir: "%s"
                dicom:
                  accept-any-ae: %s
                institutions:
                  - id: lead
                    name: 县人民医院
                    role: lead-hospital
                  - id: th-01
                    name: 城关镇卫生院
                    role: clinic
                """.formatted(dir.resolve("data").toString().replace("\\", "/"), demo)
                + (authYaml.isEmpty() ? "" : "auth:\n" + authYaml);
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("huizhen.yaml");
            Files.writeString(f, yaml);
            return ConfigLoader.load(Optional.of(f), Map.of()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
