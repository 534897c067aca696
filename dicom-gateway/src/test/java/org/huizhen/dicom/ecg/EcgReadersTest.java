package org.huizhen.dicom.ecg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry across formats: every shared ECG file is detected as its own format (no reader
 * claims another's file, whatever the registration order) and passes validation; every broken
 * ECG file of {@code bad/} and every non-ECG file ends in an HZ-70xx error, never another
 * exception.
 */
class EcgReadersTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "waveform_ecg.dcm, DICOM",
            "waveform_ecg_DERIVED-implicitVR.dcm, DICOM",
            "waveform_ecg_DERIVED-deflated.dcm, DICOM",
            "aecg_FDA_subject1_0.xml, HL7_AECG",
            "aecg_FDA_minimum.xml, HL7_AECG",
            "muse_braveheart_example1.xml, GE_MUSE_XML",
            "philips_sierra_129DYPRG.XML, PHILIPS_SIERRA_XML",
            "scp_ecgviewer_demo.scp, SCP_ECG",
            "scp_healforce_62.SCP, SCP_ECG",
            "scp_healforce_63.SCP, SCP_ECG"})
    void detectsAndReadsEverySharedFile(String name, EcgFormat expected) throws Exception {
        byte[] bytes = EcgTestFiles.bytes(name);
        // detection from the bytes alone (no file name): clinics upload with arbitrary names
        assertThat(EcgReaders.detect(bytes, null)).contains(expected);
        Ecg ecg = EcgReaders.read(bytes, null);
        assertThat(ecg.format()).isEqualTo(expected);
        assertThat(ecg.rhythm().leads()).isNotEmpty();
        assertThat(ecg.rhythm().samplesPerLead()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-truncated-aecg_FDA_minimum.xml", "bad-truncated-scp_healforce_62.SCP",
            "bad-truncated-waveform_ecg.dcm", "bad-empty.dcm", "bad-not-dicom-plaintext.dcm", "bad-not-dicom-jpeg.dcm",
            "bad-preamble-only.dcm", "zipMR.gz"})
    void badFilesGiveAnHzCode(String name) throws Exception {
        byte[] bytes = Files.readAllBytes(EcgTestFiles.bad(name));
        assertThatThrownBy(() -> EcgReaders.read(bytes, name))
                .isInstanceOf(EcgParseException.class)
                .hasMessageMatching("HZ-700[1-5] .+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dicom/CT_small.dcm", "ecg/fhir_Observation_ekg_sampled-data.xml", "ecg/mitdb/100.hea"})
    void nonEcgFilesAreNotRecognised(String relative) throws Exception {
        byte[] bytes = Files.readAllBytes(EcgTestFiles.root().resolve(relative));
        // a CT image is DICOM but no waveform; the FHIR Observation and a WFDB header are no upload format
        assertThatThrownBy(() -> EcgReaders.read(bytes, Path.of(relative).getFileName().toString()))
                .isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7001");
    }
}
