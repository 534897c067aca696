package org.huizhen.dicom.image;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * Shared test files (system property {@code hz.shared.testdata}), the DCMTK {@code dcmj2pnm}
 * reference renderer, and pixel comparison for the image tests.
 */
final class ImageTestSupport {

    private ImageTestSupport() {
    }

    static Path root() {
        String p = System.getProperty("hz.shared.testdata");
        if (p == null || !Files.isDirectory(Path.of(p))) {
            throw new IllegalStateException("system property hz.shared.testdata does not name a directory: " + p);
        }
        return Path.of(p);
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    /** Every DICOM file under dicom/ (the DICOMDIR itself excluded: it is no image). */
    static List<Path> dicomFiles() {
        try (Stream<Path> s = Files.walk(root().resolve("dicom"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("DICOMDIR"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails under CI=true when a tool is missing; skips with a message otherwise. */
    static void requireTool(String tool) {
        boolean present = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " (DCMTK) is required when CI=true but is not on the PATH");
        }
        assumeTrue(present, tool + " (DCMTK) not on the PATH: skipping the comparison with it");
    }

    /**
     * Renders with DCMTK: {@code dcmj2pnm +on [+F frame] [window args] in out.png} (8-bit PNG).
     *
     * @param windowArgs e.g. {@code +Ww 40 400}, or none for DCMTK's default
     */
    static BufferedImage dcmj2pnm(Path in, int frame, Path dir, String... windowArgs) throws Exception {
        requireTool("dcmj2pnm");
        Path out = dir.resolve(in.getFileName() + "-" + frame + "-" + System.nanoTime() + ".png");
        List<String> cmd = new ArrayList<>(List.of("dcmj2pnm", "+on", "+F", String.valueOf(frame)));
        cmd.addAll(List.of(windowArgs));
        cmd.add(in.toString());
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("dcmj2pnm failed on " + in + ": " + log);
        }
        return ImageIO.read(out.toFile());
    }

    /** Per-sample differences of two images of the same size, on their RGB values (grey has R=G=B). */
    record Difference(double meanAbs, int max, double fractionAbove2) {
    }

    static Difference compare(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new AssertionError("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " vs "
                    + b.getWidth() + "x" + b.getHeight());
        }
        long sum = 0;
        int max = 0;
        long above = 0;
        long n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                for (int band = 0; band < 3; band++) {
                    int d = Math.abs(sample(a, x, y, band) - sample(b, x, y, band));
                    sum += d;
                    max = Math.max(max, d);
                    if (d > 2) {
                        above++;
                    }
                    n++;
                }
            }
        }
        return new Difference((double) sum / n, max, (double) above / n);
    }

    /**
     * Band {@code band} (R, G, B) of a pixel as stored, without colour management: a grey image
     * gives its one sample for all three ({@code getRGB} would pass grey through a gamma curve).
     */
    static int sample(BufferedImage img, int x, int y, int band) {
        return img.getRaster().getNumBands() == 1 ? img.getRaster().getSample(x, y, 0)
                : img.getRaster().getSample(x, y, band);
    }

    /** Variance of the per-pixel mean of R, G, B (the grey value for grey images): 0 for a blank picture. */
    static double variance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double v = (sample(img, x, y, 0) + sample(img, x, y, 1) + sample(img, x, y, 2)) / 3.0;
                sum += v;
                sq += v * v;
                n++;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }
}
