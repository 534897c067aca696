package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.hub.testing.InteropScu;
import org.huizhen.storage.index.PatientName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices that write GB18030 names without declaring Specific Character Set (0008,0005):
 * with {@code dicom.default-character-set: GB18030} the index gets the Chinese name; without
 * it the bytes are not text of the default repertoire. Either way the stored instance is
 * byte-for-byte what was sent (no coercion).
 */
class UndeclaredCharsetTest {
    @TempDir
    Path tmp;

    /** chrX2.dcm (GB18030, declared) rewritten without (0008,0005): the bytes of the names stay GB18030. */
    private Path undeclaredGb18030() throws Exception {
        Part10File src = DicomReader.readFile(DcmtkTools.testdata().resolve("dicom/chrX2.dcm"), ReadOptions.DEFAULT);
        DataSet stripped = src.dataSet().toBuilder().remove(Tag.SpecificCharacterSet).build();
        Path out = tmp.resolve("undeclared-gb18030.dcm");
        Part10.write(out, stripped, src.transferSyntax(), null, WriteOptions.DEFAULT);
        return out;
    }

    @Test
    void configuredFallbackDecodesUndeclaredChineseNames() throws Exception {
        Path file = undeclaredGb18030();
        // What the clinic meant: the same name as in the original file, which declares GB18030.
        String expected = DicomReader.readFile(DcmtkTools.testdata().resolve("dicom/chrX2.dcm"), ReadOptions.DEFAULT)
                .dataSet().getString(Tag.PatientName).orElseThrow();
        assertThat(expected).contains("=").matches(".*\\p{IsHan}.*");
        try (Hub hub = InteropHub.in(tmp.resolve("with")).with("dicom.default-character-set", "GB18030").start()) {
            List<DimseResponse> rsp = InteropScu.store("CLINIC", hub.dicomPort(), InteropScu.Store.of(file));
            assertThat(rsp).extracting(r -> r.status().code()).containsExactly(0);
            PatientName name = InteropIndexCheck.patientName(hub, InteropFiles.read(file).sopInstanceUid());
            assertThat(name.text()).isEqualTo(expected.strip());
            assertThat(name.ideographic()).matches(".*\\p{IsHan}.*");
        }
    }

    @Test
    void withoutFallbackUndeclaredBytesAreNotGuessed() throws Exception {
        Path file = undeclaredGb18030();
        try (Hub hub = InteropHub.in(tmp.resolve("without")).start()) {
            List<DimseResponse> rsp = InteropScu.store("CLINIC", hub.dicomPort(), InteropScu.Store.of(file));
            assertThat(rsp).extracting(r -> r.status().code()).containsExactly(0);
            PatientName name = InteropIndexCheck.patientName(hub, InteropFiles.read(file).sopInstanceUid());
            // default repertoire: the GB18030 bytes are not characters of ISO-IR 6
            assertThat(name.text()).doesNotMatch(".*\\p{IsHan}.*").contains("\uFFFD");
            // and the stored data set is what was sent, undeclared
            String blobDigest = InteropFiles.read(hub.blobs(), hub.index().findInstance(InteropFiles.read(file).sopInstanceUid())
                    .orElseThrow().blobId()).dataSetDigest();
            assertThat(blobDigest).isEqualTo(InteropFiles.read(file).dataSetDigest());
        }
    }
}
