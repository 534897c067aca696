package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Writer and reader on synthetic data sets, and the decode limits on real files. */
class CodecTest {

    @TempDir
    Path tmp;

    private static DataSet sample() {
        DataSet item = new DataSet.Builder().setString(Tag.ReferencedSOPClassUID, VR.UI, UID.CTImageStorage)
                .setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4.5").build();
        return DataSet.builder()
                .setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192")
                .setString(Tag.SOPClassUID, VR.UI, UID.SecondaryCaptureImageStorage)
                .setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.10.1515.2.3")
                .setString(Tag.PatientName, VR.PN, "张^三丰")       // 3 + 1 + 9 bytes: odd, padded
                .setString(Tag.PatientID, VR.LO, "HZ001")
                .setInt(Tag.Rows, VR.US, 2)
                .setInt(Tag.Columns, VR.US, 2)
                .setDouble(Tag.PixelSpacing, VR.DS, 0.5, 0.5)
                .setDouble(0x00189306, VR.FD, 0.6)
                .setSequence(Tag.ReferencedImageSequence, List.of(item, DataSet.empty()))
                .setBytes(Tag.PixelData, VR.OW, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .build();
    }

    static Stream<Arguments> nativeSyntaxesAndLengths() {
        return Stream.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                        TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)
                .flatMap(ts -> Stream.of(WriteOptions.SequenceLength.values()).map(l -> Arguments.of(ts, l)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("nativeSyntaxesAndLengths")
    void bareDataSetRoundTripsInEveryNativeSyntax(TransferSyntax ts, WriteOptions.SequenceLength seq) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.writeDataSet(out, sample(), ts, WriteOptions.DEFAULT.withSequenceLength(seq));
        byte[] bytes = out.toByteArray();
        if (!ts.deflated()) {
            assertThat(bytes.length % 2).as("even total length (PS3.5 7.1)").isZero();
        }

        DataSet back = DicomReader.readDataSet(new ByteArrayInputStream(bytes), ts, ReadOptions.DEFAULT);
        assertThat(back.getString(Tag.PatientName)).contains("张^三丰");
        assertThat(back.getDoubles(Tag.PixelSpacing)).hasValueSatisfying(a -> assertThat(a).containsExactly(0.5, 0.5));
        assertThat(back.getDouble(0x00189306)).contains(0.6);
        assertThat(back.getSequence(Tag.ReferencedImageSequence)).hasValueSatisfying(items -> {
            assertThat(items).hasSize(2);
            assertThat(items.get(0).getString(Tag.ReferencedSOPInstanceUID)).contains("1.2.3.4.5");
            assertThat(items.get(1).isEmpty()).isTrue();
        });
        assertThat(back.getBytes(Tag.PixelData)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3, 4, 5, 6, 7, 8));
        assertThat(back.getInts(Tag.Rows)).hasValueSatisfying(a -> assertThat(a).containsExactly(2));
    }

    @Test
    void encapsulatedPixelDataWithExtendedOffsetTableRoundTripsAndDcmdumpReadsIt() throws Exception {
        byte[] frame1 = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};  // odd: padded
        byte[] frame2 = {(byte) 0xFF, (byte) 0xD8, 4, 5, (byte) 0xFF, (byte) 0xD9};
        DataSet ds = sample().toBuilder()
                .setBytes(Tag.ExtendedOffsetTable, VR.OV, new byte[16])
                .setBytes(Tag.ExtendedOffsetTableLengths, VR.OV, new byte[16])
                .set(Tag.PixelData, VR.OB, new Fragments(List.of(Value.Bytes.EMPTY, Value.Bytes.of(frame1),
                        Value.Bytes.of(frame2))))
                .build();
        Path file = tmp.resolve("encaps.dcm");
        Part10.write(file, ds, TransferSyntax.JPEG_BASELINE, "HZ_AE", WriteOptions.DEFAULT);

        Part10File back = Part10.read(file, ReadOptions.DEFAULT);
        Fragments f = back.dataSet().getFragments(Tag.PixelData).orElseThrow();
        assertThat(f.basicOffsetTable().length()).isZero();
        assertThat(f.fragments()).hasSize(2);
        // The odd fragment comes back with its padding byte, as encoded (PS3.5 A.4).
        assertThat(((Value.Bytes) f.fragments().get(0)).toByteArray()).hasSize(8).startsWith(frame1);
        assertThat(back.dataSet().getBytes(Tag.ExtendedOffsetTable)).hasValueSatisfying(b -> assertThat(b).hasSize(16));
        assertThat(back.meta().sourceAeTitle()).contains("HZ_AE");

        TestFiles.requireTool("dcmdump");
        Process p = new ProcessBuilder("dcmdump", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("(7fe0,0001) OV").contains("PixelSequence #=3").doesNotContain("E: ");
    }

    @Test
    void writerRefusesToMixNativeAndEncapsulatedPixelData() {
        DataSet nativePixels = sample();
        assertThatThrownBy(() -> DicomWriter.writeDataSet(new ByteArrayOutputStream(), nativePixels,
                TransferSyntax.JPEG_BASELINE, WriteOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HZ-1111");
        DataSet fragments = sample().toBuilder().set(Tag.PixelData, VR.OB, new Fragments(List.of(Value.Bytes.EMPTY)))
                .build();
        assertThatThrownBy(() -> DicomWriter.writeDataSet(new ByteArrayOutputStream(), fragments,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, WriteOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HZ-1110");
    }

    @Test
    void fileMetaInfoHeaderIsReadableAndHasACorrectGroupLength() throws Exception {
        FileMetaInfo meta = FileMetaInfo.of(UID.CTImageStorage, "1.2.3", TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid(),
                "STORESCU");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        meta.write(out);
        // Behind it, a data set as received, e.g. from a C-STORE.
        DicomWriter.writeDataSet(out, sample(), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, WriteOptions.DEFAULT);
        byte[] bytes = out.toByteArray();

        Part10File f = DicomReader.readPart10(new ByteArrayInputStream(bytes), bytes.length, ReadOptions.DEFAULT);
        assertThat(f.meta()).isEqualTo(meta);
        long groupLength = f.metaElements().getLong(Tag.FileMetaInformationGroupLength).orElseThrow();
        assertThat(f.dataSetOffset()).isEqualTo(132 + 12 + groupLength);
        assertThat(f.meta().implementationClassUid()).isEqualTo("1.2.826.0.1.3680043.10.1515.1");
        assertThat(f.dataSet().getString(Tag.PatientID)).contains("HZ001");

        TestFiles.requireTool("dcmdump");
        Path file = tmp.resolve("meta.dcm");
        Files.write(file, bytes);
        Process p = new ProcessBuilder("dcmdump", "+fo", file.toString()).redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(dump).isZero();
        assertThat(dump).contains("(0002,0000) UL " + groupLength).contains("[HUIZHEN_010]").contains("[STORESCU]");
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("ecg/waveform_ecg.dcm", DecodeLimits.DEFAULT.withMaxSequenceDepth(1), "HZ-1030"),
                Arguments.of("dicom/emri_small.dcm", DecodeLimits.DEFAULT.withMaxElements(100), "HZ-1040"),
                Arguments.of("dicom/MR_small.dcm", DecodeLimits.DEFAULT.withMaxElementLength(1000), "HZ-1012"),
                Arguments.of("dicom/MR_small.dcm", DecodeLimits.DEFAULT.withMaxHeaderBytes(200), "HZ-1042"),
                Arguments.of("dicom/SC_rgb_rle_2frame.dcm", DecodeLimits.DEFAULT.withMaxFragments(2), "HZ-1041"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("limits")
    void exceedingALimitIsAParseErrorWithItsCode(String name, DecodeLimits limits, String code) {
        assertThatThrownBy(() -> DicomReader.readFile(TestFiles.file(name), ReadOptions.DEFAULT.withLimits(limits)))
                .isInstanceOfSatisfying(DicomParseException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void undefinedLengthUnIsReadAsAnImplicitSequence() throws Exception {
        // UN_sequence.dcm: private (4453,100C) is VR UN with undefined length (CP-246).
        DataSet ds = Part10.read(TestFiles.file("dicom/UN_sequence.dcm"), ReadOptions.DEFAULT).dataSet();
        List<DataSet> items = ds.getSequence(0x4453100C).orElseThrow();
        assertThat(ds.get(0x4453100C).orElseThrow().vr()).isEqualTo(VR.SQ);
        assertThat(items.get(0).getString(Tag.StudyInstanceUID)).isPresent();
        assertThat(items.get(0).getSequence(Tag.ReferencedSeriesSequence).orElseThrow()).hasSize(1);
    }
}
