package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writing a parsed file back gives a data set that dcmdump shows as identical to the original:
 * in the same transfer syntax, converted to Explicit VR Little Endian (native pixel data only:
 * the writer does not decompress), and with defined-length sequences. Only the meta group and
 * group length values may change (they depend on the encoding; the writer recomputes them).
 */
class RoundTripTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsDcmdump() {
        TestFiles.requireTool("dcmdump");
    }

    static Stream<Arguments> cases() throws Exception {
        return TestFiles.validDicomFiles().stream().flatMap(f -> {
            TransferSyntax ts;
            try {
                ts = DicomReader.readFile(f, ReadOptions.DEFAULT.withStopBeforePixelData(true)).transferSyntax();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Stream<Arguments> same = Stream.of(
                    Arguments.of(f, ts, WriteOptions.SequenceLength.UNDEFINED),
                    Arguments.of(f, ts, WriteOptions.SequenceLength.DEFINED));
            Stream<Arguments> converted = ts.encapsulated() ? Stream.empty()
                    : Stream.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
                                    TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)
                            .filter(t -> !t.equals(ts))
                            .map(t -> Arguments.of(f, t, WriteOptions.SequenceLength.UNDEFINED));
            return Stream.concat(same, converted);
        });
    }

    @ParameterizedTest(name = "{0} as {1}, {2} length sequences")
    @MethodSource("cases")
    void writtenFileDumpsLikeTheOriginal(Path file, TransferSyntax target, WriteOptions.SequenceLength seq) throws Exception {
        Part10File parsed = DicomReader.readFile(file, ReadOptions.DEFAULT);
        Path out = tmp.resolve("out.dcm");
        FileMetaInfo meta = FileMetaInfo.of(parsed.meta().mediaStorageSopClassUid(),
                parsed.meta().mediaStorageSopInstanceUid(), target.uid(), "HZTEST");
        try (OutputStream os = Files.newOutputStream(out)) {
            DicomWriter.writePart10(os, meta, parsed.dataSet(), WriteOptions.DEFAULT.withSequenceLength(seq));
        }

        boolean implicitTarget = !target.explicitVr() && parsed.transferSyntax().explicitVr();
        List<String> original = comparable(DcmDump.run(file).lines(), implicitTarget);
        List<String> written = comparable(DcmDump.run(out).lines(), implicitTarget);
        assertThat(written).as("dcmdump of %s written as %s", file, target).containsExactlyElementsOf(original);

        Part10File reread = DicomReader.readFile(out, ReadOptions.DEFAULT);
        assertThat(reread.meta().transferSyntaxUid()).isEqualTo(target.uid());
        assertThat(reread.meta().implementationClassUid()).isEqualTo("1.2.826.0.1.3680043.10.1515.1");
        assertThat(reread.meta().implementationVersionName()).isEqualTo("HUIZHEN_010");
        assertThat(reread.meta().sourceApplicationEntityTitle()).isEqualTo("HZTEST");
    }

    static Stream<Arguments> nativeFiles() {
        return TestFiles.validDicomFiles().stream().filter(f -> {
            try {
                TransferSyntax ts = Part10.readHeader(f, DecodeLimits.DEFAULT).transferSyntax();
                return !ts.encapsulated() && !ts.deflated();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).flatMap(f -> Stream.of(Arguments.of(f, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
                Arguments.of(f, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("nativeFiles")
    void valuesReadAsReferencesAreStreamedBackUnchanged(Path file, TransferSyntax target) throws Exception {
        // Every value above 64 bytes stays in the source file and is copied (byte-swapped where
        // the byte order changes) by the writer.
        Part10File parsed = DicomReader.readFile(file, ReadOptions.DEFAULT.withBulkDataReferences(64));
        Path out = tmp.resolve("ref.dcm");
        // The meta group comes from the file: a DICOMDIR has no SOP Class UID in its data set.
        FileMetaInfo meta = FileMetaInfo.of(parsed.meta().mediaStorageSopClassUid(),
                parsed.meta().mediaStorageSopInstanceUid(), target.uid(), null);
        try (OutputStream os = Files.newOutputStream(out)) {
            DicomWriter.writePart10(os, meta, parsed.dataSet(), WriteOptions.DEFAULT);
        }

        boolean implicitTarget = !target.explicitVr() && parsed.transferSyntax().explicitVr();
        assertThat(comparable(DcmDump.run(out).lines(), implicitTarget))
                .containsExactlyElementsOf(comparable(DcmDump.run(file).lines(), implicitTarget));
    }

    private static List<String> comparable(List<String> lines, boolean implicitTarget) {
        return lines.stream().map(l -> {
            // "depth ggggeeee VR value": group lengths (eeee = 0000) depend on the encoding.
            if (l.matches("\\d+ [0-9A-F]{4}0000 UL .*")) {
                return l.replaceFirst(" UL .*", " UL");
            }
            // Implicit VR carries no VR: a private data element's VR is unknown to any reader
            // once written that way (PS3.5 A.1), so only its presence can be compared.
            String[] f = l.split(" ", 4);
            if (implicitTarget && f.length >= 3 && f[1].matches("[0-9A-F]{8}")) {
                int tag = Integer.parseUnsignedInt(f[1], 16);
                if (org.huizhen.dicom.data.Tag.isPrivate(tag) && !org.huizhen.dicom.data.Tag.isPrivateCreator(tag)
                        && (tag & 0xFFFF) != 0) {
                    return f[0] + " " + f[1];
                }
                // Pixel Data is OW in Implicit VR (PS3.5 A.1); the bytes compare as they are.
                if (tag == org.huizhen.dicom.data.Tag.PixelData && f[2].equals("OB")) {
                    return f[0] + " " + f[1] + " OW " + (f.length > 3 ? f[3] : "");
                }
            }
            return l;
        }).toList();
    }
}
