package org.huizhen.dicom.ecg.xml;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.huizhen.dicom.ecg.EcgFileReader;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XmlEcgDetectionTest {
    private static final List<EcgFileReader> XML_READERS =
            List.of(new Hl7AecgReader(), new GeMuseXmlReader(), new PhilipsSierraXmlReader());

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "aecg_FDA_subject1_0.xml, HL7_AECG",
        // no XML declaration, root after a comment
        "aecg_FDA_minimum.xml, HL7_AECG",
        // ISO-8859-1 with a DOCTYPE before the root
        "muse_braveheart_example1.xml, GE_MUSE_XML",
        "philips_sierra_129DYPRG.XML, PHILIPS_SIERRA_XML",
    })
    void sharedFilesAreDetectedFromTheirFirst4KiB(String file, EcgFormat format) {
        byte[] head = Arrays.copyOf(EcgTestFiles.bytes(file), 4096);
        assertThat(XML_READERS.stream().filter(r -> r.accepts(head, null)).map(EcgFileReader::format))
                .containsExactly(format);
        assertThat(EcgReaders.detect(EcgTestFiles.bytes(file), file)).contains(format);
    }

    @Test
    void truncatedAecgIsStillDetectedSoThatItsDefectIsReported() throws IOException {
        byte[] cut = Files.readAllBytes(EcgTestFiles.bad("bad-truncated-aecg_FDA_minimum.xml"));
        assertThat(new Hl7AecgReader().accepts(cut, null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ecg/fhir_Observation_ekg_sampled-data.xml", "ecg/waveform_ecg.dcm", "ecg/scp_healforce_62.SCP",
        "bad/bad-empty.dcm", "bad/bad-not-dicom-plaintext.dcm", "bad/bad-not-dicom-jpeg.dcm", "bad/zipMR.gz",
    })
    void otherFilesAreNotTakenForXmlEcgs(String file) throws IOException {
        byte[] bytes = Files.readAllBytes(EcgTestFiles.root().resolve(file));
        byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 4096));
        assertThat(XML_READERS).noneMatch(r -> r.accepts(head, file));
    }

    @Test
    void utf16DocumentsAreSniffedToo() {
        // the sniffer lets the XML parser find the encoding from the byte order mark
        String doc = "\uFEFF<?xml version=\"1.0\" encoding=\"UTF-16\"?><RestingECG><MuseInfo/></RestingECG>";
        assertThat(new GeMuseXmlReader().accepts(doc.getBytes(StandardCharsets.UTF_16BE), null)).isTrue();
        assertThat(new GeMuseXmlReader().accepts("<RestingECGX/>".getBytes(UTF_8), null)).isFalse();
    }

}
