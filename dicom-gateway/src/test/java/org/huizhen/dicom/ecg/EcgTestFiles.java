package org.huizhen.dicom.ecg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared ECG test files ({@code ../shared/testdata}, system property
 * {@code hz.shared.testdata} set by surefire). Shared by the ECG tests of every package.
 */
public final class EcgTestFiles {
    private EcgTestFiles() {
    }

    /** The shared test data root. */
    public static Path root() {
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

    /** A file under {@code ecg/}, e.g. {@code ecg("muse_braveheart_example1.xml")}. */
    public static Path ecg(String name) {
        return root().resolve("ecg").resolve(name);
    }

    /** A file under {@code bad/}. */
    public static Path bad(String name) {
        return root().resolve("bad").resolve(name);
    }

    /** The MIT-BIH records folder. */
    public static Path mitdb() {
        return root().resolve("ecg").resolve("mitdb");
    }

    /** The bytes of a file under {@code ecg/}. */
    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(ecg(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
