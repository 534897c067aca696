package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every valid shared test file parses, and what we parsed agrees with what DCMTK's dcmdump
 * prints for the same file: tag, VR and value of every element, nested items included.
 * dcmdump is an independent, widely used implementation, so agreement with it is evidence the
 * reader follows PS3.5 (and the expected values are computed by it, not by us).
 */
class DcmdumpAgreementTest {

    @BeforeAll
    static void needsDcmdump() {
        TestFiles.requireTool("dcmdump");
    }

    static List<Path> files() {
        return TestFiles.validDicomFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void parsedElementsAgreeWithDcmdump(Path file) throws Exception {
        Part10File parsed = DicomReader.readFile(file, ReadOptions.DEFAULT);
        DcmDump.Dump dump = DcmDump.run(file);

        List<String> ours = DcmDump.lines(parsed.dataSet());
        assertThat(ours).as("elements of %s", file).containsExactlyElementsOf(dump.lines());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void dataSetOffsetIsWhereTheMetaGroupEnds(Path file) throws Exception {
        Part10File parsed = DicomReader.readFile(file, ReadOptions.DEFAULT);
        // The meta group is (0002,0000) UL + the value of the group length; 132 bytes precede it.
        long groupLength = parsed.metaElements().getLong(org.huizhen.dicom.data.Tag.FileMetaInformationGroupLength)
                .orElseThrow();
        assertThat(parsed.dataSetOffset()).isEqualTo(132 + 12 + groupLength);
    }
}
