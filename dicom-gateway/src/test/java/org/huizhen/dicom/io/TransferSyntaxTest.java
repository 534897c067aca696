package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.huizhen.dicom.data.UID;
import org.junit.jupiter.api.Test;

class TransferSyntaxTest {

    @Test
    void knowsEveryTransferSyntaxOfTheGeneratedUidTable() {
        // Two tables written independently (UID.java generated from DCMTK + PS3.6, this one by
        // hand) must agree; the MIME/XML pseudo syntaxes never encode a data set (PS3.5 10).
        for (String uid : UID.transferSyntaxes()) {
            if (uid.equals("1.2.840.10008.1.2.6.1") || uid.equals("1.2.840.10008.1.2.6.2")) {
                continue;
            }
            assertThat(TransferSyntax.lookup(uid)).as(uid + " " + UID.nameOf(uid).orElse("")).isPresent();
        }
    }

    @Test
    void describesTheNativeSyntaxes() {
        assertThat(TransferSyntax.of("1.2.840.10008.1.2")).satisfies(t -> {
            assertThat(t.explicitVr()).isFalse();
            assertThat(t.bigEndian()).isFalse();
            assertThat(t.encapsulated()).isFalse();
        });
        assertThat(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.bigEndian()).isTrue();
        assertThat(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.retired()).isTrue();
        assertThat(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.deflated()).isTrue();
        assertThat(TransferSyntax.JPIP_REFERENCED_DEFLATE.deflated()).isTrue();
    }

    @Test
    void compressedSyntaxesAreEncapsulatedExplicitLittleEndian() {
        for (TransferSyntax t : new TransferSyntax[] {TransferSyntax.JPEG_BASELINE, TransferSyntax.JPEG_LS_LOSSLESS,
            TransferSyntax.JPEG_2000, TransferSyntax.RLE_LOSSLESS, TransferSyntax.MPEG2_MAIN_MAIN,
            TransferSyntax.HEVC_MP51, TransferSyntax.HTJ2K, TransferSyntax.HTJ2K_LOSSLESS, TransferSyntax.JPEG_XL}) {
            assertThat(t.encapsulated()).as(t.name()).isTrue();
            assertThat(t.explicitVr()).isTrue();
            assertThat(t.bigEndian()).isFalse();
        }
    }

    @Test
    void unknownUidIsReadAsEncapsulatedExplicitLittleEndian() {
        TransferSyntax t = TransferSyntax.of(" 1.2.840.10008.1.2.4.999 ");
        assertThat(TransferSyntax.lookup("1.2.840.10008.1.2.4.999")).isEmpty();
        assertThat(t.uid()).isEqualTo("1.2.840.10008.1.2.4.999");
        assertThat(t.explicitVr()).isTrue();
        assertThat(t.encapsulated()).isTrue();
        assertThat(t.bigEndian()).isFalse();
    }
}
