package org.huizhen.dicom.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the shared test files (system property {@code hz.shared.testdata}). */
final class TestFiles {

    private TestFiles() {
    }

    static Path root() {
        String p = System.getProperty("hz.shared.testdata");
        if (p == null) {
            throw new IllegalStateException("system property hz.shared.testdata is not set (surefire sets it)");
        }
        Path root = Path.of(p);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared test data not found at " + root);
        }
        return root;
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    /** Every file under dicom/ (recursively, DICOMDIR file-set included) and ecg/*.dcm. */
    static List<Path> validDicomFiles() {
        try (Stream<Path> dicom = Files.walk(root().resolve("dicom"));
             Stream<Path> ecg = Files.list(root().resolve("ecg"))) {
            return Stream.concat(dicom.filter(Files::isRegularFile),
                            ecg.filter(p -> p.getFileName().toString().endsWith(".dcm")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> badFiles() {
        try (Stream<Path> bad = Files.list(root().resolve("bad"))) {
            return bad.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails under CI=true when an external tool is missing; skips with a message otherwise. */
    static void requireTool(String tool) {
        boolean present = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " (DCMTK) is required when CI=true but is not on the PATH");
        }
        assumeTrue(present, tool + " (DCMTK) not on the PATH: skipping the comparison with it");
    }
}
