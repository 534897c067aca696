package org.huizhen.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The generated Tag and UID constants agree with the dictionary resource and the standard. */
class DictionaryTest {

    @Test
    void everyTagConstantResolvesToItsOwnKeyword() throws Exception {
        List<Field> fields = Arrays.stream(Tag.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == int.class).toList();
        assertThat(fields).hasSizeGreaterThan(4000);
        for (Field f : fields) {
            int tag = f.getInt(null);
            assertThat(ElementDictionary.tagOf(f.getName())).as(f.getName()).contains(tag);
            assertThat(ElementDictionary.keywordOf(tag)).as(f.getName()).contains(f.getName());
        }
    }

    @Test
    void looksUpVrVmKeywordAndName() {
        assertThat(ElementDictionary.vrOf(Tag.PatientName)).isEqualTo(VR.PN);
        assertThat(ElementDictionary.keywordOf(0x00100010)).contains("PatientName");
        assertThat(ElementDictionary.tagOf("PatientName")).contains(0x00100010);
        assertThat(ElementDictionary.vmOf(Tag.ImageType)).contains("2-n");
        assertThat(ElementDictionary.nameOf(Tag.SOPClassUID)).contains("SOP Class UID");
        assertThat(ElementDictionary.tagOf("NoSuchKeyword")).isEmpty();
    }

    @Test
    void repeatingGroupsResolveForEveryMember() {
        // (60xx,0010) OverlayRows: PS3.5 7.6, even groups 6000-601E.
        assertThat(ElementDictionary.keywordOf(0x60020010)).contains("OverlayRows");
        assertThat(ElementDictionary.vrOf(0x601E3000)).isEqualTo(VR.OW);
        assertThat(ElementDictionary.keywordOf(0x50040010)).isPresent();
        assertThat(ElementDictionary.keywordOf(0x60010010)).isEmpty(); // odd group: private
        assertThat(ElementDictionary.keywordOf(0x002031A0)).contains("SourceImageIDs");
    }

    @Test
    void groupLengthPrivateCreatorAndPrivateElementsGetTheirVr() {
        assertThat(ElementDictionary.vrOf(0x00090000)).isEqualTo(VR.UL);
        assertThat(ElementDictionary.vrOf(0x00290010)).isEqualTo(VR.LO);
        assertThat(ElementDictionary.vrOf(0x00291008)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.vrOf(Tag.SmallestImagePixelValue)).isEqualTo(VR.US); // "US or SS"
        assertThat(ElementDictionary.vrOf(Tag.PixelData)).isEqualTo(VR.OW); // "OB or OW"
    }

    @Test
    void storageSopClassesAreTheStorageClassesIncludingEcg() {
        assertThat(UID.storageSopClasses()).contains(UID.CTImageStorage, UID.TwelveLeadECGWaveformStorage,
                UID.GeneralECGWaveformStorage, UID.EnhancedMRImageStorage, UID.SecondaryCaptureImageStorage);
        assertThat(UID.storageSopClasses()).doesNotContain(UID.VerificationSOPClass, UID.LittleEndianExplicit);
        // the DICOMDIR class exists only on media (PS3.10); PS3.4 Table B.5-1 has no network service for it
        assertThat(UID.storageSopClasses()).doesNotContain("1.2.840.10008.1.3.10");
        assertThat(UID.storageSopClasses()).allSatisfy(u -> assertThat(UID.typeOf(u)).contains(UID.Type.SOP_CLASS));
    }

    @Test
    void uidNamesAndTypes() {
        assertThat(UID.nameOf("1.2.840.10008.5.1.4.1.1.2")).contains("CT Image Storage");
        assertThat(UID.typeOf("1.2.840.10008.1.2.4.50")).contains(UID.Type.TRANSFER_SYNTAX);
        assertThat(UID.nameOf("1.2.3.4")).isEmpty();
        assertThat(UID.transferSyntaxes()).contains("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.107");
    }
}
