package org.huizhen.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataSetTest {

    @Test
    void absentAndEmptyValuesAreEmptyButEmptyOnesAreContained() {
        DataSet ds = DataSet.builder().setString(Tag.PatientName, VR.PN).build();

        assertThat(ds.getString(Tag.PatientName)).isEmpty();
        assertThat(ds.contains(Tag.PatientName)).isTrue();
        assertThat(ds.getString(Tag.PatientID)).isEmpty();
        assertThat(ds.contains(Tag.PatientID)).isFalse();
        assertThat(ds.getInt(Tag.Rows)).isEmpty();
        assertThat(ds.getSequence(Tag.ReferencedSeriesSequence)).isEmpty();
    }

    @Test
    void elementsComeInAscendingUnsignedTagOrder() {
        DataSet ds = DataSet.builder()
                .setBytes(0xFFFAFFFA, VR.OB, new byte[2])
                .setString(Tag.PatientID, VR.LO, "X")
                .setInt(Tag.Rows, VR.US, 4)
                .build();
        assertThat(ds.elements()).extracting(DicomElement::tag)
                .containsExactly(Tag.PatientID, Tag.Rows, 0xFFFAFFFA);
    }

    @Test
    void typedGettersReadBinaryAndTextNumbers() {
        DataSet ds = DataSet.builder()
                .setInt(Tag.Rows, VR.US, 65535)
                .setInt(Tag.SmallestImagePixelValue, VR.SS, -5)
                .setInt(Tag.NumberOfFrames, VR.IS, 12)
                .setDouble(Tag.PixelSpacing, VR.DS, 0.5, 0.25)
                .setDouble(Tag.SpacingBetweenSlices, VR.DS, 3)
                .setDouble(Tag.RescaleSlope, VR.DS, 1.5)
                .setInt(Tag.SimpleFrameList, VR.UL, 4294967295L)
                .setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY ", " AXIAL")
                .build();

        assertThat(ds.getInt(Tag.Rows)).contains(65535);
        assertThat(ds.getInt(Tag.SmallestImagePixelValue)).contains(-5);
        assertThat(ds.getInt(Tag.NumberOfFrames)).contains(12);
        assertThat(ds.getDoubles(Tag.PixelSpacing)).hasValueSatisfying(a -> assertThat(a).containsExactly(0.5, 0.25));
        assertThat(ds.getDouble(Tag.NumberOfFrames)).contains(12.0);
        assertThat(ds.getLong(Tag.SimpleFrameList)).contains(4294967295L);
        assertThatThrownBy(() -> ds.getInt(Tag.SimpleFrameList)).isInstanceOf(DicomValueException.class)
                .hasMessageContaining("HZ-1911");
        // PS3.5 6.2: leading and trailing spaces of CS values are not significant.
        assertThat(ds.getStrings(Tag.ImageType)).contains(List.of("ORIGINAL", "PRIMARY", "AXIAL"));
    }

    @ParameterizedTest
    @CsvSource({"1A", "1.5", "' '", "0x10", "1e3"})
    void invalidIntegerStringNamesTagAndValue(String value) {
        DataSet ds = DataSet.builder().setString(Tag.NumberOfFrames, VR.IS, value).build();
        if (value.isBlank()) {
            assertThat(ds.getInt(Tag.NumberOfFrames)).isEmpty();
            return;
        }
        assertThatThrownBy(() -> ds.getInt(Tag.NumberOfFrames))
                .isInstanceOf(DicomValueException.class)
                .hasMessageContaining("(0028,0008)")
                .hasMessageContaining("\"" + value.strip() + "\"")
                .satisfies(e -> assertThat(((DicomValueException) e).tag()).isEqualTo(Tag.NumberOfFrames));
    }

    @ParameterizedTest
    @CsvSource({"NaN", "Infinity", "'1,5'", "1.0d", "abc"})
    void invalidDecimalStringNamesTagAndValue(String value) {
        DataSet ds = DataSet.builder().setString(Tag.SliceThickness, VR.DS, value).build();
        assertThatThrownBy(() -> ds.getDouble(Tag.SliceThickness))
                .isInstanceOf(DicomValueException.class)
                .hasMessageContaining("HZ-1914")
                .hasMessageContaining("(0018,0050)")
                .hasMessageContaining(value);
    }

    @Test
    void multiValuedTextIsSplitAfterDecodingSoA5cTrailByteIsNotADelimiter() {
        // Find a GB18030 character whose encoding contains 0x5C ('\'), as the standard warns.
        Charset gb = Charset.forName("GB18030");
        String tricky = null;
        for (char c = '\u4E00'; c < '\u9FA5' && tricky == null; c++) {
            byte[] b = String.valueOf(c).getBytes(gb);
            for (byte x : b) {
                if (x == 0x5C) {
                    tricky = String.valueOf(c);
                }
            }
        }
        assertThat(tricky).isNotNull();

        DataSet ds = DataSet.builder()
                .setString(Tag.SpecificCharacterSet, VR.CS, "GB18030")
                .setString(Tag.InstitutionalDepartmentName, VR.LO, "放射" + tricky + "科", "心电")
                .build();
        assertThat(ds.getStrings(Tag.InstitutionalDepartmentName)).contains(List.of("放射" + tricky + "科", "心电"));
    }

    @Test
    void itemsInheritTheParentCharacterSetUnlessTheyHaveTheirOwn() {
        DataSet.Builder parent = DataSet.builder().setString(Tag.SpecificCharacterSet, VR.CS, "GB18030");
        DataSet inheriting = new DataSet.Builder(parent.charset()).setString(Tag.PatientName, VR.PN, "王^小东").build();
        DataSet own = new DataSet.Builder(parent.charset())
                .setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192")
                .setString(Tag.PatientName, VR.PN, "李^四").build();
        DataSet ds = parent.setSequence(Tag.OtherPatientIDsSequence, List.of(inheriting, own)).build();

        List<DataSet> items = ds.getSequence(Tag.OtherPatientIDsSequence).orElseThrow();
        assertThat(items.get(0).specificCharacterSet().definedTerms()).containsExactly("GB18030");
        assertThat(items.get(0).getString(Tag.PatientName)).contains("王^小东");
        assertThat(items.get(1).specificCharacterSet().definedTerms()).containsExactly("ISO_IR 192");
        assertThat(items.get(1).getString(Tag.PatientName)).contains("李^四");
    }

    @Test
    void privateElementsAreFoundByCreatorWhateverBlockTheyLandIn() {
        DataSet ds = DataSet.builder()
                .setString(0x00290010, VR.LO, "SIEMENS CSA HEADER")
                .setString(0x00290011, VR.LO, "HUIZHEN_TEST ")
                .setString(0x00291008, VR.CS, "IMAGE NUM 4")
                .setString(0x00291108, VR.LO, "ours")
                .build();

        assertThat(ds.getPrivate("HUIZHEN_TEST", 0x0029, 0x08)).map(DicomElement::tag).contains(0x00291108);
        assertThat(ds.getPrivate("SIEMENS CSA HEADER", 0x0029, 0x08)).map(DicomElement::tag).contains(0x00291008);
        assertThat(ds.getPrivate("NOBODY", 0x0029, 0x08)).isEmpty();
    }

    @Test
    void nonTextAccessToBinaryValuesIsAClearError() {
        DataSet ds = DataSet.builder().setBytes(Tag.PixelData, VR.OW, new byte[4])
                .setSequence(Tag.ReferencedImageSequence, List.of()).build();
        assertThatThrownBy(() -> ds.getString(Tag.PixelData)).isInstanceOf(DicomValueException.class)
                .hasMessageContaining("HZ-1910").hasMessageContaining("(7FE0,0010)");
        assertThatThrownBy(() -> ds.getBytes(Tag.ReferencedImageSequence)).isInstanceOf(DicomValueException.class)
                .hasMessageContaining("sequence");
        assertThat(ds.getSequence(Tag.ReferencedImageSequence)).contains(List.of());
        assertThat(ds.getBytes(Tag.PixelData)).hasValueSatisfying(b -> assertThat(b).hasSize(4));
    }

    @Test
    void toBuilderKeepsElementsAndCharset() {
        DataSet ds = DataSet.builder().setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192")
                .setString(Tag.PatientName, VR.PN, "张^三").build();
        DataSet copy = ds.toBuilder().remove(Tag.PatientName).setString(Tag.PatientID, VR.LO, "Z1").build();
        assertThat(copy.specificCharacterSet().definedTerms()).containsExactly("ISO_IR 192");
        assertThat(copy.contains(Tag.PatientName)).isFalse();
        assertThat(ds.contains(Tag.PatientName)).isTrue();
    }
}
