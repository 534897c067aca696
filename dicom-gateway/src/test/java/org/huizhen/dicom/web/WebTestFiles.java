package org.huizhen.dicom.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the shared test files (system property {@code hz.shared.testdata}, set by surefire). */
final class WebTestFiles {

    private WebTestFiles() {
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

    /** Every file under dicom/ (recursively) and ecg/*.dcm. */
    static List<Path> dicomFiles() {
        try (Stream<Path> dicom = Files.walk(root().resolve("dicom"));
             Stream<Path> ecg = Files.list(root().resolve("ecg"))) {
            return Stream.concat(dicom.filter(Files::isRegularFile),
                            ecg.filter(p -> p.getFileName().toString().endsWith(".dcm")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
