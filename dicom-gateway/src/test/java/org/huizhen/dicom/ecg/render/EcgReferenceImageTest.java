package org.huizhen.dicom.ecg.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.LeadName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the ECGs this branch can read (synthetic ones built here and the shared DICOM ECG
 * {@code ecg/waveform_ecg.dcm}) and compares each PNG with the reference image stored in
 * {@code src/test/resources/ecg/reference/}, which people can open to see what the page looks
 * like.
 *
 * <p>Tolerance: a pixel differs when one of its channels differs by more than 64 of 255; the test
 * fails when more than 0.5 % of the pixels differ, so font hinting or antialiasing changes of
 * another JDK pass while a moved trace, a wrong scale or a missing grid fail. On failure the
 * fresh image ({@code *-actual.png}) and a diff ({@code *-diff.png}: differing pixels red over a
 * faded copy of the reference) are written to {@code target/ecg-render/}; every run also writes
 * the fresh PNG and SVG there.
 *
 * <p>Regenerate the references after an intended change of the page, then look at them:
 * <pre>
 * ./mvnw -B -q -ntp -o -pl dicom-gateway -am test -Dtest=EcgReferenceImageTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dhz.ecg.updateReferences=true
 * </pre>
 * References are rendered at 4 px/mm (1188 × 840) to keep each file small.
 */
class EcgReferenceImageTest {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    static final double REFERENCE_PX_PER_MM = 4;
    static final int CHANNEL_TOLERANCE = 64;
    static final double MAX_DIFFERING_FRACTION = 0.005;

    record Case(String name, Ecg ecg, List<String> header) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() throws Exception {
        Ecg synthetic = SyntheticEcg.beats(500, 10, 72);
        List<String> synthHeader = new ArrayList<>(EcgRenderer.headerLines(synthetic));
        synthHeader.add("患者 张三 男 45岁   门诊   申请科室 心内科   (合成测试心电图 synthetic test ECG)");
        Ecg dicom = EcgReaders.read(EcgTestFiles.ecg("waveform_ecg.dcm"));
        Ecg oneLead = SyntheticEcg.leads(250, 6.4, List.of(LeadName.II),
                List.of(t -> SyntheticEcg.beats(250, 6.4, 95).rhythm().lead(LeadName.II).orElseThrow()
                        .microvolts()[(int) Math.round(t * 250)]));
        return Stream.of(
                Arguments.of(new Case("synthetic-12lead-500hz", synthetic, synthHeader)),
                Arguments.of(new Case("waveform_ecg-dcm", dicom, EcgRenderer.headerLines(dicom))),
                Arguments.of(new Case("synthetic-1lead-250hz-6s", oneLead,
                        List.of("单导联手持设备 single-lead handheld", "6.4 s, 250 Hz"))),
                // one page per other shared format, read by the real readers
                shared("aecg_FDA_subject1_0.xml"),
                shared("muse_braveheart_example1.xml"),
                shared("philips_sierra_129DYPRG.XML"),
                shared("scp_ecgviewer_demo.scp"),
                shared("scp_healforce_62.SCP"));
    }

    private static Arguments shared(String file) throws IOException {
        try {
            Ecg ecg = EcgReaders.read(EcgTestFiles.ecg(file));
            return Arguments.of(new Case(file.replace('.', '-'), ecg, EcgRenderer.headerLines(ecg)));
        } catch (org.huizhen.dicom.ecg.EcgParseException e) {
            throw new IOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void renderMatchesStoredReference(Case c) throws IOException {
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withPixelsPerMm(REFERENCE_PX_PER_MM).withFilter("0.05–150 Hz");
        byte[] png = EcgRenderer.png(c.ecg(), c.header(), o);
        Path out = outDir();
        Files.write(out.resolve(c.name() + ".png"), png);
        Files.writeString(out.resolve(c.name() + ".svg"), EcgRenderer.svg(c.ecg(), c.header(), o), StandardCharsets.UTF_8);
        Path ref = referenceDir().resolve(c.name() + ".png");
        if (Boolean.getBoolean("hz.ecg.updateReferences")) {
            Files.createDirectories(ref.getParent());
            Files.write(ref, png);
            System.out.printf(Locale.ROOT, "updated reference %s (%d bytes)%n", ref, png.length);
            return;
        }
        if (!Files.exists(ref)) {
            fail("no reference image " + ref + "; create it with -Dhz.ecg.updateReferences=true and look at it");
        }
        // a reference a viewer can open must also stay small enough to keep in the repository
        assertThat(Files.size(ref)).isLessThan(300 * 1024);
        BufferedImage expected = ImageIO.read(ref.toFile());
        BufferedImage actual = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        BufferedImage diff = new BufferedImage(actual.getWidth(), actual.getHeight(), BufferedImage.TYPE_INT_RGB);
        long differing = 0;
        for (int y = 0; y < actual.getHeight(); y++) {
            for (int x = 0; x < actual.getWidth(); x++) {
                int a = actual.getRGB(x, y);
                int e = expected.getRGB(x, y);
                int d = Math.max(Math.abs(((a >> 16) & 255) - ((e >> 16) & 255)),
                        Math.max(Math.abs(((a >> 8) & 255) - ((e >> 8) & 255)), Math.abs((a & 255) - (e & 255))));
                if (d > CHANNEL_TOLERANCE) {
                    differing++;
                    diff.setRGB(x, y, 0xFF0000);
                } else {
                    int grey = 255 - (255 - ((e >> 8) & 255)) / 4;
                    diff.setRGB(x, y, grey << 16 | grey << 8 | grey);
                }
            }
        }
        double fraction = differing / (double) (actual.getWidth() * actual.getHeight());
        if (fraction > MAX_DIFFERING_FRACTION) {
            Files.write(out.resolve(c.name() + "-actual.png"), png);
            ImageIO.write(diff, "png", out.resolve(c.name() + "-diff.png").toFile());
            fail(String.format(Locale.ROOT, "%s: %.3f %% of pixels differ from %s (limit %.1f %%); see %s-actual.png and "
                    + "%s-diff.png in %s", c.name(), 100 * fraction, ref, 100 * MAX_DIFFERING_FRACTION, c.name(), c.name(), out));
        }
    }

    static Path outDir() throws IOException {
        return Files.createDirectories(Path.of("target", "ecg-render"));
    }

    /** The source folder, so an update lands in the repository rather than in target/test-classes. */
    static Path referenceDir() {
        String root = System.getProperty("hz.repo.root");
        Path base = root != null ? Path.of(root, "dicom-gateway") : Path.of("");
        return base.resolve(Path.of("src", "test", "resources", "ecg", "reference"));
    }
}
