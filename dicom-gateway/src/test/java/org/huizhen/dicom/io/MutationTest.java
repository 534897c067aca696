package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random byte flips and truncations of valid files (fixed seeds) either parse or raise
 * {@link DicomParseException}: never another exception, a hang or an OutOfMemoryError.
 * Mutations are aimed at the header (before Pixel Data) two times in three, because that is
 * where lengths, VRs and delimiters live.
 */
class MutationTest {

    private static final int CASES_PER_FILE = 1000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dicom/MR_small.dcm", "dicom/MR_small_implicit.dcm", "dicom/MR_small_bigendian.dcm",
        "dicom/image_dfl.dcm", "dicom/SC_rgb_rle_2frame.dcm", "dicom/UN_sequence.dcm", "dicom/emri_small.dcm",
        "ecg/waveform_ecg.dcm"})
    void mutatedFileParsesOrFailsWithParseException(String name) throws Exception {
        Path file = TestFiles.file(name);
        byte[] original = Files.readAllBytes(file);
        Part10File header = Part10.readHeader(file, DecodeLimits.DEFAULT);
        long headerEnd = header.pixelDataOffset() > 0 && !header.transferSyntax().deflated()
                ? header.pixelDataOffset() + 16 : original.length;
        Random random = new Random(name.hashCode());
        List<String> outcomes = new ArrayList<>();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < CASES_PER_FILE; i++) {
                byte[] mutated = mutate(original, headerEnd, random);
                boolean knownLength = (i & 1) == 0;
                try {
                    DicomReader.readPart10(new ByteArrayInputStream(mutated), knownLength ? mutated.length : -1,
                            ReadOptions.DEFAULT);
                    outcomes.add("parsed");
                } catch (DicomParseException expected) {
                    assertThat(expected.getMessage()).matches("HZ-10\\d\\d at byte \\d+.*");
                    outcomes.add(expected.code());
                } catch (Throwable other) {
                    throw new AssertionError("case " + i + " of " + name + " threw " + other, other);
                }
            }
        });
        // Both outcomes occur: the mutations do reach the parser's error paths.
        assertThat(outcomes).contains("parsed").anyMatch(o -> o.startsWith("HZ-"));
    }

    private static byte[] mutate(byte[] original, long headerEnd, Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            // truncation
            int len = random.nextInt(original.length);
            return java.util.Arrays.copyOf(original, len);
        }
        byte[] b = original.clone();
        int flips = 1 + random.nextInt(kind < 5 ? 2 : 8);
        for (int f = 0; f < flips; f++) {
            int limit = random.nextInt(3) < 2 ? (int) Math.min(headerEnd, b.length) : b.length;
            int at = 128 + random.nextInt(Math.max(1, limit - 128));
            b[at] = switch (random.nextInt(4)) {
                case 0 -> (byte) 0xFF;
                case 1 -> 0;
                default -> (byte) random.nextInt(256);
            };
        }
        return b;
    }
}
