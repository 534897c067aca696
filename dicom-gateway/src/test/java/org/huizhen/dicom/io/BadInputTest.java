package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under bad/ gives a clear {@link DicomParseException} (code and a message naming
 * the defect), within seconds and without exhausting the heap; the two real files with defects
 * that do parse behave as PS3.5 says.
 */
class BadInputTest {

    /**
     * Expected code and a fragment of the message, per file. Why each is expected: the
     * MANIFEST describes how the file was made (truncated, wrong magic, ...).
     */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("MR_truncated.dcm", List.of("HZ-1011", "(7FE0,0010) PixelData", "value length 8192 exceeds")),
            Map.entry("bad-empty.dcm", List.of("HZ-1001", "input has 0 bytes")),
            Map.entry("bad-length-overflow-PixelData-MR_small.dcm",
                    List.of("HZ-1011", "(7FE0,0010) PixelData", "value length 2147483632 exceeds")),
            Map.entry("bad-not-dicom-jpeg.dcm", List.of("HZ-1002", "not \"DICM\"")),
            Map.entry("bad-not-dicom-plaintext.dcm", List.of("HZ-1001", "input has 50 bytes")),
            // PatientName's length was made odd, so the next header is read one byte early.
            Map.entry("bad-odd-length-PatientName-MR_small.dcm", List.of("HZ-1020", "unknown VR")),
            Map.entry("bad-preamble-only.dcm", List.of("HZ-1004", "no File Meta Information")),
            Map.entry("bad-truncated-CT_small.dcm", List.of("HZ-1011", "(7FE0,0010) PixelData", "value length 32768 exceeds")),
            Map.entry("bad-truncated-aecg_FDA_minimum.xml", List.of("HZ-1002", "looks like XML")),
            Map.entry("bad-truncated-in-meta-MR_small.dcm",
                    List.of("HZ-1011", "(0002,0003) MediaStorageSOPInstanceUID", "value length 46 exceeds")),
            Map.entry("bad-truncated-scp_healforce_62.SCP", List.of("HZ-1002", "not \"DICM\"")),
            Map.entry("bad-truncated-waveform_ecg.dcm",
                    List.of("HZ-1011", "(5400,1010) WaveformData", "value length 240000 exceeds")),
            Map.entry("bad-wrong-magic-MR_small.dcm", List.of("HZ-1002", "not \"DICM\"")),
            Map.entry("no_meta.dcm", List.of("HZ-1002", "data set without the Part 10 preamble")),
            Map.entry("zipMR.gz", List.of("HZ-1002", "gzip-compressed")));

    static List<Path> rejected() {
        return TestFiles.badFiles().stream().filter(p -> EXPECTED.containsKey(p.getFileName().toString())).toList();
    }

    @Test
    void everyBadFileHasAnExpectation() {
        List<String> names = TestFiles.badFiles().stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("badVR.dcm") && !n.equals("bad_sequence.dcm")).toList();
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(names);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void badFileIsRejectedWithACodeAndAPlainMessage(Path file) {
        List<String> expected = EXPECTED.get(file.getFileName().toString());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> DicomReader.readFile(file, ReadOptions.DEFAULT))
                    .isInstanceOfSatisfying(DicomParseException.class, e -> {
                        assertThat(e.code()).isEqualTo(expected.get(0));
                        assertThat(e.getMessage()).startsWith(expected.get(0) + " at byte " + e.offset());
                        for (String fragment : expected.subList(1, expected.size())) {
                            assertThat(e.getMessage()).contains(fragment);
                        }
                    });
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void badFileIsAlsoRejectedFromAStreamOfUnknownLength(Path file) {
        // Without a known file size lengths cannot be checked up front; reading in chunks must
        // still end in a parse error, not an OutOfMemoryError.
        List<String> expected = EXPECTED.get(file.getFileName().toString());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (var in = java.nio.file.Files.newInputStream(file)) {
                assertThatThrownBy(() -> DicomReader.readPart10(in, ReadOptions.DEFAULT))
                        .isInstanceOf(DicomParseException.class)
                        .satisfies(e -> assertThat(((DicomParseException) e).code()).matches("HZ-10\\d\\d"));
            }
        });
        assertThat(expected).isNotEmpty();
    }

    @Test
    void badVrFileParsesButNumberOfFramesAsIntNamesTagAndValue() throws Exception {
        DataSet ds = DicomReader.readFile(TestFiles.file("bad/badVR.dcm"), ReadOptions.DEFAULT).dataSet();

        // The file is an otherwise normal RT Dose whose NumberOfFrames (IS) holds "1A".
        assertThat(ds.getString(Tag.NumberOfFrames)).contains("1A");
        assertThatThrownBy(() -> ds.getInt(Tag.NumberOfFrames))
                .isInstanceOf(DicomValueException.class)
                .hasMessageContaining("HZ-1912")
                .hasMessageContaining("(0028,0008)")
                .hasMessageContaining("NumberOfFrames")
                .hasMessageContaining("\"1A\"");
        assertThat(ds.getInt(Tag.Rows)).contains(10);
    }

    @Test
    void badSequenceFileParsesAndItsUnValueDecodesAsImplicitSequenceLikeDcmtk() throws Exception {
        TestFiles.requireTool("dcmdump");
        Path file = TestFiles.file("bad/bad_sequence.dcm");
        DataSet ds = DicomReader.readFile(file, ReadOptions.DEFAULT).dataSet();

        // CTDIPhantomTypeCodeSequence arrives as VR UN holding Implicit VR LE items (CP-246).
        DicomElement un = ds.get(Tag.CTDIPhantomTypeCodeSequence).orElseThrow();
        assertThat(un.vr()).isEqualTo(VR.UN);
        List<DataSet> items = DicomReader.readUnAsSequence(((Value.Bytes) un.value()).toByteArray(),
                ds.specificCharacterSet(), DecodeLimits.DEFAULT);
        DataSet rebuilt = DataSet.builder().setSequence(Tag.CTDIPhantomTypeCodeSequence, items).build();

        // dcmdump +uc converts UN to the dictionary VR and parses the value the same way.
        List<String> dcmtk = DcmDump.run(file, "+uc").lines().stream()
                .dropWhile(l -> !l.startsWith("0 00189346")).skip(1).takeWhile(l -> !l.startsWith("0 ")).toList();
        List<String> ours = DcmDump.lines(rebuilt).stream().skip(1).toList();
        assertThat(ours).isNotEmpty().containsExactlyElementsOf(dcmtk);
        assertThat(items.get(0).getString(Tag.CodeMeaning)).isPresent();
    }
}
